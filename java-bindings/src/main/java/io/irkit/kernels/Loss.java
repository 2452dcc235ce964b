package io.irkit.kernels;

import io.irkit.bindings.Irkit.irk_batch;
import io.irkit.bindings.Irkit.irk_context;
import io.irkit.bindings.Irkit.irk_distance;
import io.irkit.bindings.Irkit.irk_loss_out;
import io.irkit.bindings.Irkit.irk_tuples;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A PML pair or triplet loss computed natively: value and dLoss/dEmbeddings in one call, with PML's
 * default reducer. Mined tuples (from a {@link Miner}) restrict it as PML's {@code indices_tuple};
 * a reference set plays PML's {@code ref_emb}/{@code ref_labels}. Embeddings may be float32,
 * bfloat16 or float16 (autocast): 16-bit values are widened to float32 in the native call, and the
 * gradients come back as float32 ({@link LossResult#backward} casts them to the embeddings' dtype).
 * {@code mineAndCompute} takes a {@link Miner} instead of its tuples: one native call that
 * shares one distance matrix where irkit has the pair fused (MultiSimilarityMiner +
 * MultiSimilarityLoss, BatchHardMiner + TripletMarginLoss; same distance); otherwise it mines,
 * then computes. Either way the result equals {@code compute(..., miner.mine(...), ...)}.
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

  /** PML's {@code loss(embeddings, labels, miner(embeddings, labels))}. */
  public LossResult mineAndCompute(Tensor embeddings, Tensor labels, Miner miner) {
    return mineAndCompute(Context.defaultCpu(), embeddings, labels, miner, null, null);
  }

  public LossResult mineAndCompute(Context ctx, Tensor embeddings, Tensor labels, Miner miner, Tensor refEmb,
      Tensor refLabels) {
    Fused f = fusedWith(ctx, miner);
    if (f == null) return compute(ctx, embeddings, labels, miner.mine(ctx, embeddings, labels, refEmb, refLabels), refEmb, refLabels);
    try (NativeBatch b = NativeBatch.of(ctx, embeddings, labels, refEmb, refLabels)) {
      Tensor grad = torch.empty_like(embeddings).to(ScalarType.Float);
      Tensor gradRef = b.hasRef ? torch.empty_like(refEmb).to(ScalarType.Float) : null;
      float value = runFused(f, ctx, b, grad.data_ptr_float(), gradRef == null ? null : gradRef.data_ptr_float(), grad);
      return new LossResult(value, grad, gradRef, null);
    }
  }

  /** Arrays, with a miner (see {@link #mineAndCompute(Context, Tensor, Tensor, Miner, Tensor, Tensor)}). */
  public LossArrays mineAndCompute(Context ctx, float[] embeddings, long[] labels, int d, Miner miner, float[] refEmb,
      long[] refLabels) {
    Fused f = fusedWith(ctx, miner);
    if (f == null)
      return compute(ctx, embeddings, labels, d, miner.mine(ctx, embeddings, labels, refEmb, refLabels, d), refEmb, refLabels);
    try (NativeBatch b = NativeBatch.of(ctx, embeddings, labels, refEmb, refLabels, d);
        FloatPointer grad = new FloatPointer(b.n * d);
        FloatPointer gradRef = b.hasRef ? new FloatPointer(b.m * d) : null) {
      float value = runFused(f, ctx, b, grad, gradRef, null);
      return new LossArrays(value, toArray(grad, b.n * d), gradRef == null ? null : toArray(gradRef, b.m * d), null);
    }
  }

  public LossResult compute(Context ctx, Tensor embeddings, Tensor labels, MinedTuples tuples, Tensor refEmb,
      Tensor refLabels) {
    try (NativeBatch b = NativeBatch.of(ctx, embeddings, labels, refEmb, refLabels)) {
      // Gradients are float32 whatever the embeddings' dtype (irk_batch.dtype).
      Tensor grad = torch.empty_like(embeddings).to(ScalarType.Float);
      Tensor gradRef = b.hasRef ? torch.empty_like(refEmb).to(ScalarType.Float) : null;
      float value = run(ctx, b, tuples, grad.data_ptr_float(), gradRef == null ? null : gradRef.data_ptr_float(), grad);
      return new LossResult(value, grad, gradRef, null);
    }
  }

  /** Arrays: embeddings [n x d] row-major, labels [n]. */
  public LossArrays compute(float[] embeddings, long[] labels, int d, MinedTuples tuples) {
    return compute(Context.defaultCpu(), embeddings, labels, d, tuples, null, null);
  }

  public LossArrays compute(Context ctx, float[] embeddings, long[] labels, int d, MinedTuples tuples,
      float[] refEmb, long[] refLabels) {
    try (NativeBatch b = NativeBatch.of(ctx, embeddings, labels, refEmb, refLabels, d);
        FloatPointer grad = new FloatPointer(b.n * d);
        FloatPointer gradRef = b.hasRef ? new FloatPointer(b.m * d) : null) {
      float value = run(ctx, b, tuples, grad, gradRef, null);
      return new LossArrays(value, toArray(grad, b.n * d), gradRef == null ? null : toArray(gradRef, b.m * d), null);
    }
  }

  /** {@code like}: a tensor on the call's device (tensor calls), or null (arrays: host memory). */
  private float run(Context ctx, NativeBatch b, MinedTuples tuples, FloatPointer grad, FloatPointer gradRef, Tensor like) {
    try (MinedTuples.Native t = tuples == null ? null : tuples.toNative(ctx, like);
        irk_distance dist = distance.toNative();
        FloatPointer value = new FloatPointer(1);  // host memory, on CUDA too: no copy back
        irk_loss_out out = new irk_loss_out()) {
      out.loss(value).grad(grad).grad_ref(gradRef);
      NativeStatus.check(invoke(ctx.handle(), b.batch, dist, t == null ? null : t.tuples, out));
      return value.get();
    }
  }

  private Fused fusedWith(Context ctx, Miner miner) {
    if (miner == null) throw new IllegalArgumentException("miner is null");
    Distance a = distance, b = miner.distance();
    boolean sameDistance = a.kind() == b.kind() && a.normalize() == b.normalize() && a.power() == b.power();
    return sameDistance ? fused(miner) : null;
  }

  private float runFused(Fused f, Context ctx, NativeBatch b, FloatPointer grad, FloatPointer gradRef, Tensor like) {
    try (irk_distance dist = distance.toNative();
        FloatPointer value = new FloatPointer(1);  // host memory, on CUDA too: no copy back
        irk_loss_out out = new irk_loss_out()) {
      out.loss(value).grad(grad).grad_ref(gradRef);
      NativeStatus.check(f.invoke(ctx.handle(), b.batch, dist, out));
      return value.get();
    }
  }

  /** A fused native miner + loss call (the mined tuples are not returned). */
  interface Fused {
    int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_loss_out out);
  }

  /** The fused call for this miner (same distance), or null: mine, then compute. */
  Fused fused(Miner miner) {
    return null;
  }

  static float[] toArray(FloatPointer p, long count) {
    float[] a = new float[Math.toIntExact(count)];
    p.get(a);
    return a;
  }

  abstract int invoke(irk_context ctx, irk_batch batch, irk_distance dist, irk_tuples tuples, irk_loss_out out);
}
