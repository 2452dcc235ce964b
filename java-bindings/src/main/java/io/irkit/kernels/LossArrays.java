package io.irkit.kernels;

/** Array form of {@link LossResult}: gradients are row-major, shaped like their inputs. */
public record LossArrays(float loss, float[] grad, float[] gradRef, float[] gradWeights) {}
