package io.irkit.bindings;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByPtrPtr;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.MemberSetter;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * Thin JavaCPP mirror of {@code native/include/irkit/irkit.h}: same names, same arguments, status
 * codes returned as ints. Idiomatic code lives in {@code io.irkit.kernels}; nothing else should call
 * this class directly.
 */
@Properties(value = @Platform(include = "irkit/irkit.h", link = "irkit"))
public class Irkit {
  static {
    Loader.load();
  }

  public static final int IRK_OK = 0, IRK_ERR_INVALID_ARGUMENT = 1, IRK_ERR_OUT_OF_MEMORY = 2,
      IRK_ERR_NO_DEVICE = 3, IRK_ERR_UNSUPPORTED = 4, IRK_ERR_INTERNAL = 5;
  public static final int IRK_DEVICE_CPU = 0, IRK_DEVICE_CUDA = 1;
  public static final int IRK_DIST_COSINE = 0, IRK_DIST_DOT = 1, IRK_DIST_L2 = 2, IRK_DIST_SQUARED_L2 = 3;
  public static final int IRK_TUPLES_PAIRS = 1, IRK_TUPLES_TRIPLETS = 2;
  public static final int IRK_DTYPE_F32 = 0, IRK_DTYPE_BF16 = 1, IRK_DTYPE_F16 = 2;
  public static final int IRK_TRIPLETS_ALL = 0, IRK_TRIPLETS_HARD = 1, IRK_TRIPLETS_SEMIHARD = 2,
      IRK_TRIPLETS_EASY = 3;
  public static final int IRK_STRATEGY_EASY = 0, IRK_STRATEGY_SEMIHARD = 1, IRK_STRATEGY_HARD = 2,
      IRK_STRATEGY_ALL = 3;

  public static native @Cast("const char*") BytePointer irk_last_error();

  public static native @Cast("const char*") BytePointer irk_version();

  @Opaque
  public static class irk_context extends Pointer {
    public irk_context() {
      super((Pointer) null);
    }

    public irk_context(Pointer p) {
      super(p);
    }
  }

  @Opaque
  public static class irk_mined extends Pointer {
    public irk_mined() {
      super((Pointer) null);
    }

    public irk_mined(Pointer p) {
      super(p);
    }
  }

  public static class irk_distance extends Pointer {
    static {
      Loader.load();
    }

    public irk_distance() {
      super((Pointer) null);
      allocate();
    }

    private native void allocate();

    @MemberGetter public native @Cast("irk_distance_kind") int kind();

    @MemberSetter public native irk_distance kind(@Cast("irk_distance_kind") int v);

    @MemberGetter public native int normalize();

    @MemberSetter public native irk_distance normalize(int v);

    @MemberGetter public native double power();

    @MemberSetter public native irk_distance power(double v);
  }

  public static class irk_batch extends Pointer {
    static {
      Loader.load();
    }

    public irk_batch() {
      super((Pointer) null);
      allocate();
    }

    private native void allocate();

    @MemberSetter public native irk_batch emb(@Cast("const float*") FloatPointer v);

    @MemberSetter public native irk_batch labels(@Cast("const int64_t*") LongPointer v);

    @MemberSetter public native irk_batch n(long v);

    @MemberSetter public native irk_batch d(long v);

    @MemberSetter public native irk_batch ref_emb(@Cast("const float*") FloatPointer v);

    @MemberSetter public native irk_batch ref_labels(@Cast("const int64_t*") LongPointer v);

    @MemberSetter public native irk_batch m(long v);

    /** Element type of emb / ref_emb (IRK_DTYPE_*); 0 = float32. */
    @MemberSetter public native irk_batch dtype(@Cast("irk_dtype") int v);
  }

  public static class irk_tuples extends Pointer {
    static {
      Loader.load();
    }

    public irk_tuples() {
      super((Pointer) null);
      allocate();
    }

    private native void allocate();

    @MemberGetter public native @Cast("irk_tuple_kind") int kind();

    @MemberSetter public native irk_tuples kind(@Cast("irk_tuple_kind") int v);

    @MemberGetter public native @Cast("int64_t*") LongPointer pos();

    @MemberSetter public native irk_tuples pos(@Cast("const int64_t*") LongPointer v);

    @MemberGetter public native long n_pos();

    @MemberSetter public native irk_tuples n_pos(long v);

    @MemberGetter public native @Cast("int64_t*") LongPointer neg();

    @MemberSetter public native irk_tuples neg(@Cast("const int64_t*") LongPointer v);

    @MemberGetter public native long n_neg();

    @MemberSetter public native irk_tuples n_neg(long v);

    @MemberGetter public native @Cast("int64_t*") LongPointer triplets();

    @MemberSetter public native irk_tuples triplets(@Cast("const int64_t*") LongPointer v);

    @MemberGetter public native long n_triplets();

    @MemberSetter public native irk_tuples n_triplets(long v);
  }

  public static class irk_loss_out extends Pointer {
    static {
      Loader.load();
    }

    public irk_loss_out() {
      super((Pointer) null);
      allocate();
    }

    private native void allocate();

    @MemberSetter public native irk_loss_out loss(FloatPointer v);

    @MemberSetter public native irk_loss_out grad(FloatPointer v);

    @MemberSetter public native irk_loss_out grad_ref(FloatPointer v);

    @MemberSetter public native irk_loss_out grad_weights(FloatPointer v);
  }

  public static class irk_metrics extends Pointer {
    static {
      Loader.load();
    }

    public irk_metrics() {
      super((Pointer) null);
      allocate();
    }

    private native void allocate();

    @MemberGetter public native double precision_at_1();

    @MemberGetter public native double r_precision();

    @MemberGetter public native double map_at_r();

    @MemberGetter public native double map();

    @MemberGetter public native double mrr();

    @MemberGetter public native long num_queries();
  }

  // context
  public static native int irk_context_create(@Cast("irk_device_type") int device, int deviceIndex,
      int numThreads, @ByPtrPtr irk_context out);

  public static native int irk_context_destroy(irk_context ctx);

  public static native int irk_context_set_stream(irk_context ctx, Pointer cudaStream);

  public static native int irk_context_num_threads(@Const irk_context ctx, IntPointer out);

  public static native int irk_cuda_device_count(IntPointer out);

  public static native int irk_has_cuda_build();

  // distances
  public static native int irk_convert_to_f32(@Const irk_context ctx, @Cast("irk_dtype") int dtype,
      @Const Pointer src, long count, FloatPointer dst);

  public static native int irk_pairwise(@Const irk_context ctx, @Const irk_distance dist,
      @Const FloatPointer x, long n, @Const FloatPointer y, long m, long d, FloatPointer out);

  // mined tuples
  public static native int irk_mined_create(@ByPtrPtr irk_mined out);

  public static native int irk_mined_destroy(irk_mined mined);

  public static native int irk_mined_view(@Const irk_mined mined, irk_tuples out);

  // miners
  public static native int irk_ms_miner(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, double epsilon, irk_mined out);

  public static native int irk_triplet_margin_miner(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, double margin, @Cast("irk_triplet_type") int type, irk_mined out);

  public static native int irk_batch_hard_miner(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, irk_mined out);

  public static native int irk_batch_easy_hard_miner(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, @Cast("irk_strategy") int posStrategy,
      @Cast("irk_strategy") int negStrategy, @Const DoublePointer allowedPosRange,
      @Const DoublePointer allowedNegRange, irk_mined out);

  public static native int irk_pair_margin_miner(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, double posMargin, double negMargin, irk_mined out);

  // pair and triplet losses
  public static native int irk_contrastive_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, @Const irk_tuples tuples, double posMargin, double negMargin,
      irk_loss_out out);

  public static native int irk_triplet_margin_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, @Const irk_tuples tuples, double margin, int swap, int smoothLoss,
      irk_loss_out out);

  public static native int irk_ms_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, @Const irk_tuples tuples, double alpha, double beta, double base,
      irk_loss_out out);

  // fused miner + loss (one distance matrix; mined may be null)
  public static native int irk_ms_miner_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, double epsilon, double alpha, double beta, double base, irk_mined mined,
      irk_loss_out out);

  public static native int irk_batch_hard_triplet_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, double margin, int swap, int smoothLoss, irk_mined mined, irk_loss_out out);

  public static native int irk_ntxent_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, @Const irk_tuples tuples, double temperature, irk_loss_out out);

  public static native int irk_supcon_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, @Const irk_tuples tuples, double temperature, irk_loss_out out);

  public static native int irk_circle_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, @Const irk_tuples tuples, double m, double gamma, irk_loss_out out);

  public static native int irk_tcm_loss(@Const irk_context ctx, @Const irk_batch batch,
      @Const irk_distance dist, @Const irk_tuples tuples, double lambdaPlus, double lambdaMinus,
      double marginPlus, double marginMinus, irk_loss_out out);

  // classifier and proxy losses
  public static native int irk_cosface_loss(@Const irk_context ctx, @Const FloatPointer emb,
      @Cast("const int64_t*") LongPointer labels, long n, long d, @Const FloatPointer W, long numClasses,
      @Const irk_tuples tuples, double margin, double scale, irk_loss_out out);

  public static native int irk_arcface_loss(@Const irk_context ctx, @Const FloatPointer emb,
      @Cast("const int64_t*") LongPointer labels, long n, long d, @Const FloatPointer W, long numClasses,
      @Const irk_tuples tuples, double marginDegrees, double scale, irk_loss_out out);

  public static native int irk_subcenter_arcface_loss(@Const irk_context ctx,
      @Const FloatPointer emb, @Cast("const int64_t*") LongPointer labels, long n, long d, @Const FloatPointer W,
      long numClasses, long subCenters, @Const irk_tuples tuples, double marginDegrees,
      double scale, irk_loss_out out);

  public static native int irk_normalized_softmax_loss(@Const irk_context ctx,
      @Const FloatPointer emb, @Cast("const int64_t*") LongPointer labels, long n, long d, @Const FloatPointer W,
      long numClasses, @Const irk_tuples tuples, double temperature, irk_loss_out out);

  public static native int irk_proxy_anchor_loss(@Const irk_context ctx, @Const FloatPointer emb,
      @Cast("const int64_t*") LongPointer labels, long n, long d, @Const FloatPointer proxies, long numClasses,
      @Const irk_tuples tuples, double margin, double alpha, irk_loss_out out);

  // kNN and metrics
  public static native int irk_knn(@Const irk_context ctx, @Const irk_distance dist,
      @Const FloatPointer query, long n, @Const FloatPointer ref, long m, long d, long k,
      @Cast("int64_t*") LongPointer outIndices, FloatPointer outValues);

  public static native int irk_retrieval_metrics(@Const irk_context ctx,
      @Cast("const int64_t*") LongPointer knnIndices, long n, long k, @Cast("const int64_t*") LongPointer queryLabels,
      @Cast("const int64_t*") LongPointer refLabels, long m, int refIsQuery, int avgOfAvgs,
      @Cast("const int64_t*") LongPointer recallKs, long numRecallKs, irk_metrics out, DoublePointer recallAtK);

  public static native int irk_revisited_map(@Const irk_context ctx, @Cast("const int64_t*") LongPointer ranks,
      long n, long m, @Cast("const int64_t*") LongPointer easyOff, @Cast("const int64_t*") LongPointer easyIds,
      @Cast("const int64_t*") LongPointer hardOff, @Cast("const int64_t*") LongPointer hardIds,
      @Cast("const int64_t*") LongPointer junkOff, @Cast("const int64_t*") LongPointer junkIds, DoublePointer outMap);
}
