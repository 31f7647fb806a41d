package io.shmtel.sensors.sim;

/**
 * Deterministic noise as a pure function of (seed, sample index, channel): the same seed gives the
 * same samples, whatever samples the scheduler skipped, and nothing is allocated per sample.
 */
final class Noise {
    private Noise() {}

    /** SplitMix64's finaliser: a well-mixed 64-bit value from any input. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    static double uniform(long seed, long k, int channel) {
        long bits = mix(seed * 0x9E3779B97F4A7C15L + k * 0xD1B54A32D192ED03L + channel * 0x8CB92BA72F3D8DD7L);
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** Standard normal (Box-Muller over two uniforms of the same sample). */
    static double gaussian(long seed, long k, int channel) {
        double u1 = Math.max(uniform(seed, k, 2 * channel), 1e-300);
        double u2 = uniform(seed, k, 2 * channel + 1);
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
