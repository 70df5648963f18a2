package dev.microbatch.runner.dstream;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Words (without commas), one at a time as modified UTF-8, as a list joined by commas. */
final class WordsCodec implements ElementsCodec<String> {

  static final WordsCodec INSTANCE = new WordsCodec();

  private WordsCodec() {}

  @Override
  public void encode(String word, OutputStream out) throws IOException {
    new DataOutputStream(out).writeUTF(word);
  }

  @Override
  public String decode(InputStream in) throws IOException {
    return new DataInputStream(in).readUTF();
  }

  @Override
  public byte[] encode(List<String> words) {
    return String.join(",", words).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public List<String> decode(byte[] bytes) {
    String joined = new String(bytes, StandardCharsets.UTF_8);
    return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
  }
}
