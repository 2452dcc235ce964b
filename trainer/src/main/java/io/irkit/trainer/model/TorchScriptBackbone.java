package io.irkit.trainer.model;

import static org.bytedeco.pytorch.global.torch.adaptive_avg_pool2d;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.named_buffer_iterator;
import org.bytedeco.pytorch.named_buffer_list;
import org.bytedeco.pytorch.named_parameter_iterator;
import org.bytedeco.pytorch.named_parameter_list;
import org.bytedeco.pytorch.parameter_iterator;
import org.bytedeco.pytorch.parameter_list;

/**
 * Any TorchScript module (torch.jit.script/trace, then .save) as a trainable backbone. Its forward
 * takes the image batch and returns [B, F] features or a [B, C, H, W] map, which is average-pooled.
 */
final class TorchScriptBackbone implements Backbone {
  /** Side of the blank image run once at load to learn the feature size (the head needs it up front). */
  static final long PROBE_SIZE = 64;
  private final JitModule module;
  private final long featureDim;

  private TorchScriptBackbone(JitModule module) {
    this.module = module;
    this.featureDim = probeFeatureDim();
  }

  static TorchScriptBackbone load(Path file) throws IOException {
    if (file == null) throw new IllegalArgumentException("arch torchscript needs weights: the file written by torch.jit.save");
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "TorchScript file not found");
    JitModule m;
    try {
      m = torch.load(file.toString());
    } catch (RuntimeException e) {
      throw new IOException("cannot load TorchScript module " + file + ": " + firstLine(e.getMessage()), e);
    }
    try {
      return new TorchScriptBackbone(m);
    } catch (RuntimeException e) {
      m.close();
      throw new IOException("TorchScript module " + file + " does not work as a backbone on a [1, 3, " + PROBE_SIZE + ", "
          + PROBE_SIZE + "] image: " + firstLine(e.getMessage()), e);
    }
  }

  private long probeFeatureDim() {
    boolean training = module.is_training();
    module.eval();
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      return features(torch.zeros(1, 3, PROBE_SIZE, PROBE_SIZE)).size(1);
    } finally {
      module.train(training);
    }
  }

  @Override
  public Tensor features(Tensor images) {
    IValue out = module.forward(new IValueVector(new IValue(images)));
    if (!out.isTensor()) throw new IllegalStateException("the TorchScript backbone must return a tensor, got " + out.tagKind().getString());
    Tensor t = out.toTensor();
    if (t.dim() == 2) return t;
    if (t.dim() == 4) return adaptive_avg_pool2d(t, 1, 1).flatten(1, -1);
    throw new IllegalStateException("the TorchScript backbone must return [B, F] or [B, C, H, W], got " + t.dim() + "-D");
  }

  @Override
  public long featureDim() {
    return featureDim;
  }

  @Override
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    named_parameter_list params = module.named_parameters(true);
    for (named_parameter_iterator it = params.begin(); it.notEquals(params.end()); it = it.increment())
      out.put(it.access().name().getString(), new Tensor(it.access().value()));
    named_buffer_list buffers = module.named_buffers(true);
    for (named_buffer_iterator it = buffers.begin(); it.notEquals(buffers.end()); it = it.increment())
      out.put(it.access().name().getString(), new Tensor(it.access().value()));
    return out;
  }

  @Override
  public List<Tensor> parameters() {
    List<Tensor> out = new ArrayList<>();
    parameter_list params = module.parameters(true);
    for (parameter_iterator it = params.begin(); it.notEquals(params.end()); it = it.increment()) {
      Tensor p = it.access();
      if (p.requires_grad()) out.add(new Tensor(p)); // own handle: the list is a temporary
    }
    return out;
  }

  @Override
  public void train(boolean on) {
    module.train(on);
  }

  @Override
  public void to(Device d) {
    module.to(d);
  }

  @Override
  public void close() {
    module.close();
  }

  private static String firstLine(String s) {
    if (s == null) return "(no message)";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
