package io.irkit.conformance;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reading helpers for the gzipped JSON reference files (schema: shared/refs README). */
final class RefCase {
  private static final Gson GSON = new Gson();

  private RefCase() {}

  static JsonObject read(Path file) throws IOException {
    try (Reader r = new InputStreamReader(open(file), StandardCharsets.UTF_8)) {
      return JsonParser.parseReader(r).getAsJsonObject();
    }
  }

  private static java.io.InputStream open(Path file) throws IOException {
    var in = Files.newInputStream(file);
    return file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
  }

  static Map<String, Object> map(JsonElement e) {
    if (e == null || e.isJsonNull()) return null;
    return GSON.fromJson(e, new TypeToken<Map<String, Object>>() {}.getType());
  }

  static int rows(JsonElement matrix) {
    return matrix.getAsJsonArray().size();
  }

  static int cols(JsonElement matrix) {
    JsonArray a = matrix.getAsJsonArray();
    return a.isEmpty() ? 0 : a.get(0).getAsJsonArray().size();
  }

  static float[] matrix(JsonElement matrix) {
    JsonArray rows = matrix.getAsJsonArray();
    int c = cols(matrix);
    float[] out = new float[rows.size() * c];
    for (int i = 0; i < rows.size(); i++) {
      JsonArray row = rows.get(i).getAsJsonArray();
      for (int j = 0; j < c; j++) out[i * c + j] = row.get(j).getAsFloat();
    }
    return out;
  }

  static long[] longs(JsonElement array) {
    JsonArray a = array.getAsJsonArray();
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
    return out;
  }

  static long[][] tuples(JsonElement array) {
    JsonArray a = array.getAsJsonArray();
    long[][] out = new long[a.size()][];
    for (int i = 0; i < out.length; i++) out[i] = longs(a.get(i));
    return out;
  }
}
