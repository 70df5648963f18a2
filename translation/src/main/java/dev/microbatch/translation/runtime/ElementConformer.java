package dev.microbatch.translation.runtime;

import java.io.Serializable;
import java.util.Optional;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;

/**
 * Makes a value what its PCollection's coder says it is, where passing objects between fused steps
 * (instead of bytes through the coder, as runners that encode between steps do) could make a
 * difference: a {@link Row} built with one schema in a PCollection whose {@link SchemaCoder}
 * declares another (Beam SQL's and schema transforms' outputs rely on that: field names come from
 * the declared schema). Only such values are re-made, through the coder; every other value passes
 * as it is, and PCollections whose coder holds no SchemaCoder get no conformer at all.
 */
@FunctionalInterface
public interface ElementConformer extends Serializable {

  /** {@code value} as the coder declares it: the same instance where it already is. */
  Object conform(Object value) throws CoderException;

  /**
   * The conformer for the values of {@code coder} (a SchemaCoder, or a KvCoder with one as key or
   * value), if it has one; {@code collection} names the PCollection in errors.
   */
  static Optional<ElementConformer> forCoder(Coder<?> coder, String collection) {
    if (coder instanceof SchemaCoder<?> schemaCoder) {
      return Optional.of(new DeclaredSchema(schemaCoder, collection));
    }
    if (coder instanceof KvCoder<?, ?> kvCoder) {
      Optional<ElementConformer> key = forCoder(kvCoder.getKeyCoder(), collection);
      Optional<ElementConformer> value = forCoder(kvCoder.getValueCoder(), collection);
      if (key.isPresent() || value.isPresent()) {
        return Optional.of(new KvParts(key.orElse(v -> v), value.orElse(v -> v)));
      }
    }
    return Optional.empty();
  }

  /** A Row whose schema is not the declared one is encoded and decoded with the declared coder. */
  final class DeclaredSchema implements ElementConformer {
    private final SchemaCoder<?> coder;
    private final String collection;

    /**
     * The last schema instance found equal to the declared one: a step's rows mostly share one
     * instance, so the deep comparison runs once rather than per row. Tasks share this object; a
     * stale value only costs a comparison.
     */
    private transient volatile Schema lastEqual;

    DeclaredSchema(SchemaCoder<?> coder, String collection) {
      this.coder = coder;
      this.collection = collection;
    }

    @Override
    public Object conform(Object value) throws CoderException {
      if (!(value instanceof Row row)) {
        return value;
      }
      Schema schema = row.getSchema();
      if (schema == lastEqual) {
        return value;
      }
      if (coder.getSchema().equals(schema)) {
        lastEqual = schema;
        return value;
      }
      @SuppressWarnings("unchecked")
      Coder<Row> rowCoder = (Coder<Row>) coder;
      try {
        return CoderUtils.clone(rowCoder, row);
      } catch (CoderException | RuntimeException e) {
        throw new CoderException(
            "A Row of schema "
                + schema
                + " in PCollection "
                + collection
                + " cannot be encoded with the schema its coder declares, "
                + coder.getSchema(),
            e);
      }
    }
  }

  /** A KV whose key or value is re-made; a new KV only where one of them changed. */
  record KvParts(ElementConformer key, ElementConformer value) implements ElementConformer {
    @Override
    public Object conform(Object element) throws CoderException {
      if (!(element instanceof KV<?, ?> kv)) {
        return element;
      }
      Object k = key.conform(kv.getKey());
      Object v = value.conform(kv.getValue());
      return k == kv.getKey() && v == kv.getValue() ? kv : KV.of(k, v);
    }
  }
}
