package io.irkit.trainer.model.weights;

import io.irkit.kernels.TorchRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.bytedeco.pytorch.Tensor;

/**
 * Reads what {@code torch.save(model.state_dict(), path)} writes (the zip format of torch >= 1.6):
 * {@code <name>/data.pkl} pickles an OrderedDict of tensors whose storages are persistent ids
 * pointing at {@code <name>/data/<key>}. Only tensors and the containers around them are accepted;
 * any other global in the pickle is refused (nothing from the file is ever executed).
 */
public final class TorchCheckpointReader {
  private TorchCheckpointReader() {}

  /** Name to tensor (CPU, contiguous, the file's dtypes), in file order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    TorchRuntime.init();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return new Archive(file, zip).stateDict();
    } catch (ZipException e) {
      throw new IOException(file + " is not a readable PyTorch zip checkpoint: " + e.getMessage(), e);
    }
  }

  private record StorageRef(DType type, String key, long numel) {}

  private static final class Archive implements Unpickler.Callbacks {
    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final ByteOrder order;
    private final Map<String, Tensor> storages = new HashMap<>();

    Archive(Path file, ZipFile zip) throws IOException {
      this.file = file;
      this.zip = zip;
      ZipEntry pkl = Collections.list(zip.entries()).stream()
          .filter(e -> e.getName().endsWith("data.pkl") && e.getName().indexOf('/') == e.getName().length() - "/data.pkl".length())
          .findFirst()
          .orElseThrow(() -> new IOException(file + " has no <name>/data.pkl: not a torch.save checkpoint"));
      prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
      ZipEntry bo = zip.getEntry(prefix + "byteorder");
      order = bo != null && new String(read(bo), StandardCharsets.US_ASCII).trim().equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    Map<String, Tensor> stateDict() throws IOException {
      try {
        Object root = Unpickler.load(read(zip.getEntry(prefix + "data.pkl")), this, file.toString());
        if (!(root instanceof Map<?, ?> map))
          throw new IOException(file + " holds a " + describe(root) + ", not a state dict (save model.state_dict())");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof Tensor t))
            throw new IOException(file + ": entry '" + e.getKey() + "' is a " + describe(e.getValue())
                + ", not a tensor; expected torch.save(model.state_dict()) (a dict of name -> tensor)");
          out.put(key, t);
        }
        return out;
      } finally {
        for (Tensor s : storages.values()) s.close();
      }
    }

    @Override
    public Object persistentLoad(Object pid) throws IOException {
      if (!(pid instanceof List<?> p) || p.size() < 5 || !"storage".equals(p.get(0)))
        throw new IOException(file + ": unsupported persistent id " + pid);
      if (!(p.get(1) instanceof Unpickler.Global g) || !g.module().equals("torch"))
        throw new IOException(file + ": storage type " + p.get(1) + " is not a torch storage class");
      DType type = DType.ofStorage(g.name());
      if (type == null) throw new IOException(file + ": unsupported storage type torch." + g.name());
      if (!(p.get(4) instanceof Long numel)) throw new IOException(file + ": storage size " + p.get(4) + " is not a number");
      return new StorageRef(type, String.valueOf(p.get(2)), numel);
    }

    @Override
    public Object call(Unpickler.Global f, List<Object> args) throws IOException {
      switch (f.qualified()) {
        case "collections.OrderedDict":
          return new LinkedHashMap<>();
        case "torch._utils._rebuild_tensor_v2":
          return rebuildTensor(args);
        case "torch._utils._rebuild_parameter":
          return args.isEmpty() ? null : args.get(0);
        default:
          String hint = f.module().startsWith("__torch__") ? " (a TorchScript file? use arch torchscript for those)" : "";
          throw new IOException(file + ": unsupported object " + f.qualified() + " in the pickle; irkit reads state dicts of dense tensors only" + hint);
      }
    }

    /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]) */
    private Tensor rebuildTensor(List<Object> a) throws IOException {
      if (a.size() < 4 || !(a.get(0) instanceof StorageRef ref) || !(a.get(1) instanceof Long offset))
        throw new IOException(file + ": malformed tensor record " + a);
      return RawTensors.view(storage(ref), longs(a.get(2), "size"), longs(a.get(3), "stride"), offset, "data/" + ref.key());
    }

    private Tensor storage(StorageRef ref) throws IOException {
      Tensor s = storages.get(ref.key());
      if (s != null) return s;
      ZipEntry e = zip.getEntry(prefix + "data/" + ref.key());
      if (e == null) throw new IOException(file + " lacks storage " + prefix + "data/" + ref.key() + " (truncated or corrupt checkpoint)");
      byte[] bytes = read(e);
      long need = ref.numel() * ref.type().size;
      if (bytes.length < need)
        throw new IOException(file + ": storage data/" + ref.key() + " has " + bytes.length + " bytes, the pickle needs " + need + " (truncated?)");
      if (bytes.length > need) bytes = java.util.Arrays.copyOf(bytes, (int) need);
      s = RawTensors.storage(bytes, ref.type(), order);
      storages.put(ref.key(), s);
      return s;
    }

    private long[] longs(Object o, String what) throws IOException {
      if (!(o instanceof List<?> l)) throw new IOException(file + ": tensor " + what + " is not a tuple: " + o);
      long[] out = new long[l.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(l.get(i) instanceof Long v)) throw new IOException(file + ": tensor " + what + " holds a non-integer: " + l);
        out[i] = v;
      }
      return out;
    }

    private byte[] read(ZipEntry e) throws IOException {
      if (e.getSize() > Integer.MAX_VALUE - 8) throw new IOException(file + ": entry " + e.getName() + " is over 2 GB");
      try (InputStream in = zip.getInputStream(e)) {
        return in.readAllBytes();
      } catch (ZipException ex) {
        throw new IOException(file + ": cannot read " + e.getName() + ": " + ex.getMessage(), ex);
      }
    }

    private static String describe(Object o) {
      if (o == null) return "None";
      if (o instanceof Unpickler.Global g) return g.qualified();
      return o.getClass().getSimpleName();
    }
  }
}
