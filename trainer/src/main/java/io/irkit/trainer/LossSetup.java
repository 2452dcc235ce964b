package io.irkit.trainer;

import io.irkit.kernels.ClassifierLoss;
import io.irkit.kernels.Context;
import io.irkit.kernels.Loss;
import io.irkit.kernels.LossResult;
import io.irkit.kernels.MinedTuples;
import io.irkit.kernels.Miner;
import io.irkit.kernels.Pml;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** The loss (and miner, and classifier weights) of a run, built from PML names and parameters. */
final class LossSetup {
  final Loss pairLoss;
  final ClassifierLoss classifierLoss;
  final Miner miner;
  final Tensor weights; // classifier W / proxies, trained by their own optimizer; null for pair losses

  /** Classifier weights are made where the device runs the kernels. */
  LossSetup(TrainOptions o, int numClasses, int embeddingDim, long seed, ComputeDevice device) {
    Map<String, Object> lossCfg = config(o.loss, o.lossParams, "--loss-param");
    if (Pml.isClassifierLoss(lossCfg)) {
      classifierLoss = Pml.classifierLoss(lossCfg, numClasses, embeddingDim);
      pairLoss = null;
      weights = initialWeights(classifierLoss, seed, device);
    } else {
      pairLoss = Pml.loss(lossCfg);
      classifierLoss = null;
      weights = null;
    }
    miner = o.miner == null || o.miner.equalsIgnoreCase("none") ? null : Pml.miner(config(o.miner, o.minerParams, "--miner-param"));
  }

  private static Map<String, Object> config(String type, Map<String, String> params, String flag) {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("type", type);
    if (params != null) {
      for (var e : params.entrySet()) {
        if (e.getKey().equals("distance"))
          cfg.put("distance", Map.of("type", e.getValue()));
        else
          cfg.put(e.getKey(), e.getValue());
      }
    }
    return cfg;
  }

  /** PML's initialisations: normal(0, 1) for classifier W, kaiming normal (fan_out) for proxies. */
  private static Tensor initialWeights(ClassifierLoss loss, long seed, ComputeDevice device) {
    long[] shape = loss.weightShape();
    java.util.Random r = new java.util.Random(seed ^ 0x5DEECE66DL);
    double std = loss instanceof io.irkit.kernels.ProxyAnchorLoss ? Math.sqrt(2.0 / shape[0]) : 1.0;
    float[] w = new float[Math.toIntExact(shape[0] * shape[1])];
    for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * std);
    Tensor t = device.forKernels(Tensor.create(w, shape));
    t.set_requires_grad(true); // returns a reference into t, which must stay the owner
    return t;
  }

  /** Loss value and dLoss/dEmbeddings (and dLoss/dWeights) for one batch, all on ctx's device. */
  LossResult compute(Context ctx, Tensor embeddings, Tensor labels) {
    MinedTuples tuples = miner == null ? null : miner.mine(ctx, embeddings, labels, null, null);
    if (classifierLoss != null) return classifierLoss.compute(ctx, embeddings, labels, weights, tuples);
    return pairLoss.compute(ctx, embeddings, labels, tuples, null, null);
  }

}
