package io.irkit.kernels;

import io.irkit.bindings.Irkit;
import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_mined;
import io.irkit.bindings.Irkit.irk_tuples;
import org.bytedeco.pytorch.Tensor;

/** A PML miner: picks informative pairs or triplets of a batch (optionally against a reference set). */
public abstract class Miner {
  private final Distance distance;

  protected Miner(Distance distance) {
    if (distance == null) throw new IllegalArgumentException("distance is null");
    this.distance = distance;
  }

  public Distance distance() {
    return distance;
  }

  public MinedTuples mine(Tensor embeddings, Tensor labels) {
    return mine(Context.defaultCpu(), embeddings, labels, null, null);
  }

  public MinedTuples mine(Tensor embeddings, Tensor labels, Tensor refEmb, Tensor refLabels) {
    return mine(Context.defaultCpu(), embeddings, labels, refEmb, refLabels);
  }

  public MinedTuples mine(Context ctx, Tensor embeddings, Tensor labels, Tensor refEmb, Tensor refLabels) {
    try (NativeBatch b = NativeBatch.of(ctx, embeddings, labels, refEmb, refLabels)) {
      return run(ctx, b);
    }
  }

  /** Arrays: embeddings [n x d] row-major. */
  public MinedTuples mine(float[] embeddings, long[] labels, int d) {
    return mine(Context.defaultCpu(), embeddings, labels, null, null, d);
  }

  public MinedTuples mine(Context ctx, float[] embeddings, long[] labels, float[] refEmb, long[] refLabels, int d) {
    try (NativeBatch b = NativeBatch.of(ctx, embeddings, labels, refEmb, refLabels, d)) {
      return run(ctx, b);
    }
  }

  private MinedTuples run(Context ctx, NativeBatch b) {
    irk_mined mined = new irk_mined();
    NativeStatus.check(Irkit.irk_mined_create(mined));
    try (irk_distance dist = distance.toNative(); irk_tuples view = new irk_tuples()) {
      NativeStatus.check(invoke(ctx.handle(), b.batch, dist, mined));
      NativeStatus.check(Irkit.irk_mined_view(mined, view));
      return MinedTuples.ofView(view);
    } finally {
      Irkit.irk_mined_destroy(mined);
    }
  }

  abstract int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_mined out);
}
