package dev.microbatch.translation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.extensions.sql.SqlTransform;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.RenameFields;
import org.apache.beam.sdk.schemas.transforms.Select;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Rows carry the schema their PCollection declares, as on the DirectRunner: each pipeline runs on
 * the DirectRunner and on this runner in both modes (batch and streaming), and the rows it ends
 * with, written with every field's name (nested ones too), must be the same. The runner hands
 * objects from step to step, where the DirectRunner passes them through their coder.
 */
public class DeclaredRowSchemaTest {

  private static final Schema ADDRESS =
      Schema.builder().addStringField("street").addStringField("city").build();
  private static final Schema ITEM =
      Schema.builder().addStringField("sku").addInt32Field("qty").build();
  private static final Schema PERSON =
      Schema.builder()
          .addInt32Field("id")
          .addStringField("name")
          .addInt32Field("age")
          .addRowField("address", ADDRESS)
          .addArrayField("items", Schema.FieldType.row(ITEM))
          .build();
  private static final Schema CITY =
      Schema.builder().addInt32Field("person").addStringField("city").build();

  /** The schema a DoFn builds its rows with, and the one its output declares: names differ. */
  private static final Schema BUILT =
      Schema.builder().addInt32Field("a").addStringField("b").build();

  private static final Schema DECLARED =
      Schema.builder().addInt32Field("x").addStringField("y").build();

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  @Test
  public void aRowBuiltWithAnotherSchemaHasTheDeclaredOneAfterItsParDo() throws IOException {
    assertSameRowsAsDirectRunner(DeclaredRowSchemaTest::builtWithAnotherSchema, "x=");
  }

  @Test
  public void aRowBuiltWithAnotherSchemaHasTheDeclaredOneAfterAGroupByKey() throws IOException {
    assertSameRowsAsDirectRunner(
        pipeline ->
            builtWithAnotherSchema(pipeline)
                .apply(
                    WithKeys.of((Row row) -> row.getInt32(0) % 2)
                        .withKeyType(TypeDescriptors.integers()))
                .apply(GroupByKey.create())
                .apply(Values.create())
                .apply(Flatten.iterables())
                .setRowSchema(DECLARED),
        "x=");
  }

  @Test
  public void aRowBuiltWithAnotherSchemaHasTheDeclaredOneAfterAReshuffle() throws IOException {
    assertSameRowsAsDirectRunner(
        pipeline -> builtWithAnotherSchema(pipeline).apply(Reshuffle.viaRandomKey()), "x=");
  }

  @Test
  public void sqlColumnAliases() throws IOException {
    assertSameRowsAsDirectRunner(
        pipeline ->
            people(pipeline)
                .apply(
                    SqlTransform.query("SELECT name AS who, age + 1 AS next_age FROM PCOLLECTION")),
        "who=");
  }

  @Test
  public void sqlAggregatesWithAndWithoutAlias() throws IOException {
    assertSameRowsAsDirectRunner(
        pipeline ->
            people(pipeline)
                .apply(
                    SqlTransform.query(
                        "SELECT age > 30 AS over_thirty, COUNT(*) AS people, MAX(age)"
                            + " FROM PCOLLECTION GROUP BY age > 30")),
        "people=");
  }

  @Test
  public void sqlJoin() throws IOException {
    assertSameRowsAsDirectRunner(
        pipeline ->
            PCollectionTuple.of("p", people(pipeline))
                .and("c", cities(pipeline))
                .apply(
                    SqlTransform.query(
                        "SELECT p.name AS person_name, c.city AS lives_in FROM p JOIN c"
                            + " ON p.id = c.person")),
        "lives_in=");
  }

  @Test
  public void sqlOrderByLimit() throws IOException {
    assertSameRowsAsDirectRunner(
        pipeline ->
            people(pipeline)
                .apply(
                    SqlTransform.query(
                        "SELECT name AS oldest, age AS years FROM PCOLLECTION"
                            + " ORDER BY age DESC LIMIT 2")),
        "oldest=");
  }

  @Test
  public void selectOfNestedFields() throws IOException {
    assertSameRowsAsDirectRunner(
        pipeline -> people(pipeline).apply(Select.fieldNames("name", "address.city", "items.sku")),
        "city=");
  }

  @Test
  public void renamesOfNestedRowsAndArraysOfRows() throws IOException {
    assertSameRowsAsDirectRunner(
        pipeline ->
            people(pipeline)
                .apply(
                    RenameFields.<Row>create()
                        .rename("name", "full_name")
                        .rename("address.city", "address.town")
                        .rename("items.sku", "items.code")),
        "town=");
  }

  /** Runs {@code query} on both runners; their rows, names included, must be the same. */
  private void assertSameRowsAsDirectRunner(
      Function<Pipeline, PCollection<Row>> query, String declaredName) throws IOException {
    List<String> expected = rowsOn(DirectRunner.class, false, query);

    assertThat(expected, not(empty()));
    assertThat(
        "the DirectRunner shows the declared names",
        expected,
        hasItem(containsString(declaredName)));
    assertEquals("batch", expected, rowsOn(MicroBatchRunner.class, false, query));
    assertEquals("streaming", expected, rowsOn(MicroBatchRunner.class, true, query));
  }

  private List<String> rowsOn(
      Class<? extends PipelineRunner<?>> runner,
      boolean streaming,
      Function<Pipeline, PCollection<Row>> query)
      throws IOException {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(runner);
    options.setStreaming(streaming);
    options.setParallelism(2);
    options.setLogEveryBatch(false);
    Pipeline pipeline = Pipeline.create(options);
    Path output = folder.newFolder().toPath();
    query
        .apply(pipeline)
        .apply(MapElements.into(TypeDescriptors.strings()).via(DeclaredRowSchemaTest::describe))
        .apply(TextIO.write().to(output.resolve("rows").toString()));
    pipeline.run().waitUntilFinish();
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(output)) {
      for (Path file : files.collect(Collectors.toList())) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
    }
    return lines.stream().sorted().collect(Collectors.toList());
  }

  /** A row as {name=value, ...}, nested rows and arrays of rows alike. */
  static String describe(Object value) {
    if (value instanceof Row row) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < row.getFieldCount(); i++) {
        fields.add(row.getSchema().getField(i).getName() + "=" + describe(row.getValue(i)));
      }
      return "{" + String.join(", ", fields) + "}";
    }
    if (value instanceof Collection<?> values) {
      return values.stream()
          .map(DeclaredRowSchemaTest::describe)
          .collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }

  private static PCollection<Row> builtWithAnotherSchema(Pipeline pipeline) {
    return pipeline
        .apply(Create.of(1, 2, 3, 4))
        .apply(
            ParDo.of(
                new DoFn<Integer, Row>() {
                  @ProcessElement
                  public void process(@Element Integer n, OutputReceiver<Row> out) {
                    out.output(Row.withSchema(BUILT).addValues(n, "row " + n).build());
                  }
                }))
        .setRowSchema(DECLARED);
  }

  private static PCollection<Row> people(Pipeline pipeline) {
    return pipeline.apply(
        Create.of(
                person(1, "Ada", 36, "Mill Lane", "Leeds", "pen", 2),
                person(2, "Bo", 51, "High Street", "York", "ink", 1),
                person(3, "Cy", 29, "Quay Road", "Leeds", "nib", 5))
            .withRowSchema(PERSON));
  }

  private static Row person(
      int id, String name, int age, String street, String city, String sku, int qty) {
    return Row.withSchema(PERSON)
        .addValues(
            id,
            name,
            age,
            Row.withSchema(ADDRESS).addValues(street, city).build(),
            List.of(Row.withSchema(ITEM).addValues(sku, qty).build()))
        .build();
  }

  private static PCollection<Row> cities(Pipeline pipeline) {
    return pipeline.apply(
        "Cities",
        Create.of(
                Row.withSchema(CITY).addValues(1, "Leeds").build(),
                Row.withSchema(CITY).addValues(3, "Hull").build())
            .withRowSchema(CITY));
  }
}
