package io.irkit.trainer.model.weights;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal pickle machine (protocols 2-5) for what torch.save writes: dicts, lists, tuples, strings,
 * numbers, globals, REDUCE/NEWOBJ calls and persistent ids. It never runs code: globals become
 * {@link Global} values and calls go to {@link Callbacks}, which decide what is allowed. BUILD
 * (e.g. the {@code _metadata} of a state dict) is read and dropped. Tuples come back as
 * unmodifiable lists, dicts as LinkedHashMaps, ints as Long.
 */
final class Unpickler {
  record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  interface Callbacks {
    Object persistentLoad(Object pid) throws IOException;

    /** callable(*args), for REDUCE and NEWOBJ. */
    Object call(Global callable, List<Object> args) throws IOException;
  }

  private final byte[] data;
  private final Callbacks callbacks;
  private final String source;
  private int pos;
  private final List<Object> stack = new ArrayList<>();
  private final List<Integer> marks = new ArrayList<>();
  private final Map<Integer, Object> memo = new HashMap<>();

  private Unpickler(byte[] data, Callbacks callbacks, String source) {
    this.data = data;
    this.callbacks = callbacks;
    this.source = source;
  }

  /** The object the pickle in data describes; source names it in error messages. */
  static Object load(byte[] data, Callbacks callbacks, String source) throws IOException {
    return new Unpickler(data, callbacks, source).run();
  }

  private Object run() throws IOException {
    while (true) {
      int at = pos;
      int op = u8();
      switch (op) {
        case 0x80 -> u8(); // PROTO
        case 0x95 -> skip(8); // FRAME
        case '.' -> { // STOP
          if (stack.size() != 1) throw corrupt("stack holds " + stack.size() + " values at STOP");
          return stack.get(0);
        }
        case '(' -> marks.add(stack.size());
        case '0' -> pop();
        case '1' -> popMark();
        case '2' -> push(peek());
        case 'N' -> push(null);
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 'J' -> push((long) le(4));
        case 'K' -> push((long) u8());
        case 'M' -> push((long) (le(2) & 0xffff));
        case 0x8a -> push(longN(u8()));
        case 0x8b -> push(longN(le(4)));
        case 'G' -> push(Double.longBitsToDouble(be8()));
        case 'X' -> push(utf8(le(4)));
        case 0x8c -> push(utf8(u8()));
        case 0x8d -> push(utf8(le8()));
        case 'T' -> push(latin1(le(4)));
        case 'U' -> push(latin1(u8()));
        case 'B' -> push(bytes(le(4)));
        case 'C' -> push(bytes(u8()));
        case 0x8e -> push(bytes(le8()));
        case ')' -> push(tuple(List.of()));
        case 't' -> push(tuple(popMark()));
        case 0x85 -> push(tuple(popN(1)));
        case 0x86 -> push(tuple(popN(2)));
        case 0x87 -> push(tuple(popN(3)));
        case ']' -> push(new ArrayList<>());
        case 'l' -> push(new ArrayList<>(popMark()));
        case 'a' -> {
          Object v = pop();
          list(peek(), at).add(v);
        }
        case 'e' -> {
          List<Object> items = popMark();
          list(peek(), at).addAll(items);
        }
        case '}' -> push(new LinkedHashMap<>());
        case 'd' -> {
          Map<Object, Object> d = new LinkedHashMap<>();
          putAll(d, popMark(), at);
          push(d);
        }
        case 's' -> {
          Object v = pop(), k = pop();
          dict(peek(), at).put(k, v);
        }
        case 'u' -> {
          List<Object> items = popMark();
          putAll(dict(peek(), at), items, at);
        }
        case 'c' -> push(new Global(line(), line()));
        case 0x93 -> {
          Object name = pop(), module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) throw corrupt("STACK_GLOBAL needs two strings");
          push(new Global(m, n));
        }
        case 'R', 0x81 -> {
          Object args = pop(), callable = pop();
          if (!(callable instanceof Global g)) throw corrupt("call of a " + typeName(callable) + " at byte " + at);
          if (!(args instanceof List<?> a)) throw corrupt("call of " + g.qualified() + " without an argument tuple");
          @SuppressWarnings("unchecked")
          List<Object> argList = (List<Object>) a;
          push(callbacks.call(g, argList));
        }
        case 'b' -> pop(); // BUILD: drop the state, keep the object
        case 'Q' -> push(callbacks.persistentLoad(pop()));
        case 'q' -> memo.put(u8(), peek());
        case 'r' -> memo.put(le(4), peek());
        case 'p' -> memo.put(Integer.parseInt(line()), peek());
        case 0x94 -> memo.put(memo.size(), peek());
        case 'h' -> push(memoGet(u8()));
        case 'j' -> push(memoGet(le(4)));
        case 'g' -> push(memoGet(Integer.parseInt(line())));
        default -> throw new IOException(String.format("%s: unsupported pickle opcode 0x%02x at byte %d", source, op, at));
      }
    }
  }

  private static List<Object> tuple(List<Object> items) {
    return Collections.unmodifiableList(new ArrayList<>(items));
  }

  private void putAll(Map<Object, Object> d, List<Object> items, int at) throws IOException {
    if (items.size() % 2 != 0) throw corrupt("odd number of dict items at byte " + at);
    for (int i = 0; i < items.size(); i += 2) d.put(items.get(i), items.get(i + 1));
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o, int at) throws IOException {
    if (o instanceof ArrayList<?> l) return (List<Object>) l;
    throw corrupt("append to a " + typeName(o) + " at byte " + at);
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object o, int at) throws IOException {
    if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
    throw corrupt("setitem on a " + typeName(o) + " at byte " + at);
  }

  private Object memoGet(int key) throws IOException {
    if (!memo.containsKey(key)) throw corrupt("memo key " + key + " read before it was written");
    return memo.get(key);
  }

  private void push(Object o) {
    stack.add(o);
  }

  private Object pop() throws IOException {
    int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    if (stack.size() <= floor) throw corrupt("stack underflow at byte " + pos);
    return stack.remove(stack.size() - 1);
  }

  private Object peek() throws IOException {
    if (stack.isEmpty()) throw corrupt("empty stack at byte " + pos);
    return stack.get(stack.size() - 1);
  }

  private List<Object> popN(int n) throws IOException {
    Object[] out = new Object[n];
    for (int i = n - 1; i >= 0; i--) out[i] = pop();
    return java.util.Arrays.asList(out);
  }

  private List<Object> popMark() throws IOException {
    if (marks.isEmpty()) throw corrupt("no MARK before byte " + pos);
    int m = marks.remove(marks.size() - 1);
    List<Object> top = new ArrayList<>(stack.subList(m, stack.size()));
    stack.subList(m, stack.size()).clear();
    return top;
  }

  private int u8() throws IOException {
    need(1);
    return data[pos++] & 0xff;
  }

  private int le(int n) throws IOException {
    need(n);
    int v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | (data[pos + i] & 0xff);
    pos += n;
    return v;
  }

  private int le8() throws IOException {
    long lo = le(4) & 0xffffffffL, hi = le(4) & 0xffffffffL;
    long v = lo | (hi << 32);
    if (v > Integer.MAX_VALUE) throw corrupt("length " + v + " too large");
    return (int) v;
  }

  private long be8() throws IOException {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (data[pos + i] & 0xff);
    pos += 8;
    return v;
  }

  /** LONG1/LONG4: n-byte little-endian two's complement; irkit needs no more than 64 bits. */
  private long longN(int n) throws IOException {
    if (n < 0 || n > 8) throw new IOException(source + ": integer of " + n + " bytes is too large");
    need(n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | (data[pos + i] & 0xff);
    if (n > 0 && n < 8 && (data[pos + n - 1] & 0x80) != 0) v -= 1L << (8 * n);
    pos += n;
    return v;
  }

  private String utf8(int n) throws IOException {
    return new String(bytes(n), StandardCharsets.UTF_8);
  }

  private String latin1(int n) throws IOException {
    return new String(bytes(n), StandardCharsets.ISO_8859_1);
  }

  private byte[] bytes(int n) throws IOException {
    if (n < 0) throw corrupt("negative length " + n);
    need(n);
    byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + n);
    pos += n;
    return b;
  }

  private String line() throws IOException {
    int start = pos;
    while (pos < data.length && data[pos] != '\n') pos++;
    need(1);
    String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
    pos++;
    return s;
  }

  private void skip(int n) throws IOException {
    need(n);
    pos += n;
  }

  private void need(int n) throws IOException {
    if (n > data.length - pos) throw new IOException(source + ": pickle data ends unexpectedly at byte " + pos + " (truncated file?)");
  }

  private IOException corrupt(String what) {
    return new IOException(source + ": corrupt pickle data: " + what);
  }

  private static String typeName(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName();
  }
}
