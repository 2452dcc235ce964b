package io.irkit.trainer.model;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/** The files written by fixtures/make_resnet18_fixture.py, and small helpers for comparing tensors. */
public final class Fixtures {
  private Fixtures() {}

  public static Path path(String name) {
    URL url = Fixtures.class.getResource("/fixtures/" + name);
    if (url == null) throw new IllegalStateException("missing test fixture " + name + " (run fixtures/make_resnet18_fixture.py)");
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A little-endian float32 C-order .npy file as a tensor. */
  public static Tensor npy(String name) throws IOException {
    byte[] b = Files.readAllBytes(path(name));
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (b[0] != (byte) 0x93 || b[1] != 'N' || b[6] != 1) throw new IOException(name + " is not a version-1 .npy file");
    int headerLen = buf.getShort(8) & 0xffff;
    String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
    if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False"))
      throw new IOException(name + ": expected little-endian float32 in C order, header " + header);
    Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
    if (!m.find()) throw new IOException(name + ": no shape in header " + header);
    long[] shape = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
    float[] values = new float[(b.length - 10 - headerLen) / 4];
    buf.position(10 + headerLen);
    buf.asFloatBuffer().get(values);
    return Tensor.create(values, shape);
  }

  public static float[] values(Tensor t) {
    Tensor c = t.detach().contiguous();
    float[] out = new float[(int) c.numel()];
    c.data_ptr_float().get(out);
    return out;
  }

  public static double maxAbsDiff(Tensor a, Tensor b) {
    float[] x = values(a), y = values(b);
    if (x.length != y.length) throw new AssertionError("sizes differ: " + x.length + " vs " + y.length);
    double max = 0;
    for (int i = 0; i < x.length; i++) max = Math.max(max, Math.abs((double) x[i] - y[i]));
    return max;
  }
}
