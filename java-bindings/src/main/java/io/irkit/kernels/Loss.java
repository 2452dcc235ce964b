package io.irkit.kernels;

import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A PML pair or triplet loss computed natively: value and dLoss/dEmbeddings in one call, with PML's
 * default reducer. Mined tuples (from a {@link Miner}) restrict it as PML's {@code indices_tuple};
 * a reference set plays PML's {@code ref_emb}/{@code ref_labels}.
 */
public abstract class Loss {
  private final Distance distance;

  protected Loss(Distance distance) {
    if (distance == null) throw new IllegalArgumentException("distance is null");
    this.distance = distance;
  }

  public Distance distance() {
    return distance;
  }

  public LossResult compute(Tensor embeddings, Tensor labels) {
    return compute(Context.defaultCpu(), embeddings, labels, null, null, null);
  }

  public LossResult compute(Tensor embeddings, Tensor labels, MinedTuples tuples) {
    return compute(Context.defaultCpu(), embeddings, labels, tuples, null, null);
  }

  public LossResult compute(Context ctx, Tensor embeddings, Tensor labels, MinedTuples tuples, Tensor refEmb,
      Tensor refLabels) {
    try (NativeBatch b = NativeBatch.of(embeddings, labels, refEmb, refLabels)) {
      Tensor grad = torch.empty_like(embeddings);
      Tensor gradRef = b.hasRef ? torch.empty_like(refEmb) : null;
      float value = run(ctx, b, tuples, grad.data_ptr_float(), gradRef == null ? null : gradRef.data_ptr_float());
      return new LossResult(value, grad, gradRef, null);
    }
  }

  /** Arrays: embeddings [n x d] row-major, labels [n]. */
  public LossArrays compute(float[] embeddings, long[] labels, int d, MinedTuples tuples) {
    return compute(Context.defaultCpu(), embeddings, labels, d, tuples, null, null);
  }

  public LossArrays compute(Context ctx, float[] embeddings, long[] labels, int d, MinedTuples tuples,
      float[] refEmb, long[] refLabels) {
    try (NativeBatch b = NativeBatch.of(embeddings, labels, refEmb, refLabels, d);
        FloatPointer grad = new FloatPointer(b.n * d);
        FloatPointer gradRef = b.hasRef ? new FloatPointer(b.m * d) : null) {
      float value = run(ctx, b, tuples, grad, gradRef);
      return new LossArrays(value, toArray(grad, b.n * d), gradRef == null ? null : toArray(gradRef, b.m * d), null);
    }
  }

  private float run(Context ctx, NativeBatch b, MinedTuples tuples, FloatPointer grad, FloatPointer gradRef) {
    try (MinedTuples.Native t = tuples == null ? null : tuples.toNative();
        irk_distance dist = distance.toNative();
        FloatPointer value = new FloatPointer(1);
        irk_loss_out out = new irk_loss_out()) {
      out.loss(value).grad(grad).grad_ref(gradRef);
      NativeStatus.check(invoke(ctx.handle(), b.batch, dist, t == null ? null : t.tuples, out));
      return value.get();
    }
  }

  static float[] toArray(FloatPointer p, long count) {
    float[] a = new float[Math.toIntExact(count)];
    p.get(a);
    return a;
  }

  abstract int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_tuples tuples, irk_loss_out out);
}
