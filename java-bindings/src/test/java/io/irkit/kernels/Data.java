package io.irkit.kernels;

import java.util.Random;

/** Seeded random batches for tests. */
final class Data {
  private Data() {}

  static float[] gaussian(Random r, int rows, int d) {
    float[] x = new float[rows * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    return x;
  }

  /** Labels with m per class, shuffled. */
  static long[] labels(Random r, int rows, int perClass) {
    long[] y = new long[rows];
    for (int i = 0; i < rows; i++) y[i] = i / perClass;
    for (int i = rows - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      long t = y[i];
      y[i] = y[j];
      y[j] = t;
    }
    return y;
  }

  static float[] unitDirection(Random r, int size) {
    float[] v = new float[size];
    double norm = 0;
    for (int i = 0; i < size; i++) {
      v[i] = (float) r.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < size; i++) v[i] /= (float) Math.sqrt(norm);
    return v;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }

  static float[] axpy(float[] x, double t, float[] v) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) out[i] = (float) (x[i] + t * v[i]);
    return out;
  }
}
