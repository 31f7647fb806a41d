package io.shmtel.bench.harness;

/**
 * How long each scenario runs. Counts are measured samples; warm-up samples (JIT, page faults,
 * first cache misses) come first and are not recorded.
 */
record Profile(
        String name,
        int floorWarmup, int floorCount, int floorOnewayCount,
        int onewayWarmup, int onewayCount, long spinGapNs,
        int backoffCount, long backoffGapMinNs, long backoffGapMaxNs,
        int pingWarmup, int pingCount,
        int udsWarmup, int udsCount,
        int naiveCount, long naiveGapMinNs, long naiveGapMaxNs,
        double throughputSeconds, double throughputWarmupSeconds,
        double idleSeconds,
        int fanoutWarmup, int fanoutCount,
        int bridgeWarmup, int bridgeCount, long bridgeGapNs) {

    static final Profile QUICK = new Profile("quick",
            100_000, 1_000_000, 200_000,
            20_000, 100_000, 10_000,
            300, 2_000_000, 10_000_000,
            20_000, 100_000,
            5_000, 20_000,
            100, 5_000_000, 25_000_000,
            1.0, 0.5,
            2.0,
            20_000, 50_000,
            2_000, 5_000, 1_000_000);

    static final Profile FULL = new Profile("full",
            200_000, 5_000_000, 1_000_000,
            50_000, 1_000_000, 10_000,
            3_000, 2_000_000, 10_000_000,
            50_000, 1_000_000,
            20_000, 200_000,
            500, 5_000_000, 25_000_000,
            4.0, 1.0,
            10.0,
            50_000, 300_000,
            3_000, 20_000, 1_000_000);

    /** For the harness's own test: every scenario, just enough samples to go through every path. */
    static final Profile SMOKE = new Profile("smoke",
            1_000, 10_000, 5_000,
            1_000, 2_000, 10_000,
            20, 1_000_000, 3_000_000,
            1_000, 2_000,
            200, 500,
            10, 1_000_000, 5_000_000,
            0.2, 0.1,
            0.5,
            1_000, 2_000,
            200, 300, 1_000_000);
}
