package io.irkit.trainer.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The pickle machine on Python's own output (protocols 2 and 4) and on broken input. */
class UnpicklerTest {
  // pickle.dumps({'a': (1, -2, 300, -70000, 3.5, 'xé', None, True, False), 'b': [1 << 40, -(1 << 62)],
  //               'c': b'\x00\x01', 'd': collections.OrderedDict([('k', ())])}, protocol=P).hex()
  private static final String PROTOCOL_2 = "80027d7100285801000000617101284b014afeffffff4d2c014a90eefeff47400c000000000000580300000078c3a971024e888974710358010000006271045d7105288a060000000000018a0800000000000000c0655801000000637106635f636f646563730a656e636f64650a710758020000000001710858060000006c6174696e31710986710a52710b580100000064710c63636f6c6c656374696f6e730a4f726465726564446963740a710d2952710e58010000006b710f2973752e";
  private static final String PROTOCOL_4 = "8004957b000000000000007d94288c016194284b014afeffffff4d2c014a90eefeff47400c0000000000008c0378c3a9944e888974948c0162945d94288a060000000000018a0800000000000000c0658c01639443020001948c0164948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b942973752e";

  /** Allows what the test pickles call: OrderedDict() and _codecs.encode(str, 'latin1') (protocol 2 bytes). */
  private static final Unpickler.Callbacks CALLS = new Unpickler.Callbacks() {
    @Override
    public Object persistentLoad(Object pid) throws IOException {
      throw new IOException("no persistent ids here");
    }

    @Override
    public Object call(Unpickler.Global f, List<Object> args) throws IOException {
      return switch (f.qualified()) {
        case "collections.OrderedDict" -> new LinkedHashMap<>();
        case "_codecs.encode" -> ((String) args.get(0)).getBytes(StandardCharsets.ISO_8859_1);
        default -> throw new IOException("refused " + f.qualified());
      };
    }
  };

  @ParameterizedTest
  @ValueSource(strings = {PROTOCOL_2, PROTOCOL_4})
  void readsPythonPickles(String hex) throws IOException {
    Map<?, ?> d = (Map<?, ?>) Unpickler.load(HexFormat.of().parseHex(hex), CALLS, "test");
    assertEquals(List.of("a", "b", "c", "d"), List.copyOf(d.keySet()));
    assertEquals(Arrays.asList(1L, -2L, 300L, -70000L, 3.5, "xé", null, true, false), d.get("a"));
    assertEquals(List.of(1L << 40, -(1L << 62)), d.get("b"));
    assertArrayEquals(new byte[] {0, 1}, (byte[]) d.get("c"));
    assertEquals(Map.of("k", List.of()), d.get("d"));
  }

  @Test
  void truncatedPickleIsAnIOException() {
    byte[] p = HexFormat.of().parseHex(PROTOCOL_4);
    IOException e = assertThrows(IOException.class, () -> Unpickler.load(Arrays.copyOf(p, p.length / 2), CALLS, "half.pkl"));
    assertTrue(e.getMessage().contains("half.pkl") && e.getMessage().contains("ends unexpectedly"), e.getMessage());
  }

  @Test
  void unknownOpcodeIsAnIOException() {
    IOException e = assertThrows(IOException.class, () -> Unpickler.load(new byte[] {(byte) 0x80, 2, (byte) 0xff}, CALLS, "bad.pkl"));
    assertTrue(e.getMessage().contains("opcode 0xff at byte 2"), e.getMessage());
  }

  @Test
  void callsGoThroughTheCallbacks() {
    // GLOBAL 'os system', (MARK, 'ls', TUPLE), REDUCE, STOP: nothing runs, the callback refuses
    byte[] p = "cos\nsystem\n(X\u0002\u0000\u0000\u0000lstR.".getBytes(StandardCharsets.ISO_8859_1);
    IOException e = assertThrows(IOException.class, () -> Unpickler.load(p, CALLS, "evil.pkl"));
    assertEquals("refused os.system", e.getMessage());
  }

  @Test
  void stackUnderflowIsAnIOException() {
    IOException e = assertThrows(IOException.class, () -> Unpickler.load(new byte[] {(byte) 0x80, 2, 's', '.'}, CALLS, "u.pkl"));
    assertTrue(e.getMessage().contains("corrupt pickle"), e.getMessage());
  }
}
