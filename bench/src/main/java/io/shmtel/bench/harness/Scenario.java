package io.shmtel.bench.harness;

import java.io.IOException;

/**
 * One scenario of {@code shmtel bench}: what {@code --only} calls it, what it measures, its kind,
 * whether {@code --quick} runs it, and its body (which launches its processes through
 * {@link Bench#processes()} and adds what it measured to {@link Results}). Every scenario is listed
 * once, in {@link Scenarios#ALL}.
 *
 * @param name the {@code --only} name, also the progress line's label
 * @param description what it measures, one line
 * @param kind what kind of figures it gives; {@link Kind#adjacentFloors} says whether short C floors
 *     are measured right before it
 * @param quick whether {@code --quick} runs it (with the quick profile's counts)
 * @param placed whether it runs its processes placed as well as unplaced ({@link Placements}): the harness then
 *     also measures placed adjacent floors before it
 * @param body what it runs
 */
record Scenario(String name, String description, Kind kind, boolean quick, boolean placed, Body body) {

    /** A scenario that runs unplaced only (as every scenario did before placed runs). */
    Scenario(String name, String description, Kind kind, boolean quick, Body body) {
        this(name, description, kind, quick, false, body);
    }

    /** What a scenario measures, which decides how the harness frames it. */
    enum Kind {
        /** The C floors every ratio is taken against. */
        FLOOR(false),
        /** Latency rows of the table, with short C floors measured right before them (the ratios' reference). */
        LATENCY(true),
        /** Latency over the network, against a transport floor the scenario measures itself. */
        NETWORK(false),
        /** Samples per second, not latency. */
        THROUGHPUT(false),
        /** CPU, publisher or memory cost rather than a latency row. */
        COST(false),
        /** Latency and publisher cost as the number of subscriber processes grows. */
        SCALING(false);

        private final boolean adjacentFloors;

        Kind(boolean adjacentFloors) {
            this.adjacentFloors = adjacentFloors;
        }

        /** Whether the harness measures short one-way and ping-pong C floors right before such a scenario. */
        boolean adjacentFloors() {
            return adjacentFloors;
        }
    }

    /** A scenario's run: launches its processes and adds its rows or figures to the results. */
    @FunctionalInterface
    interface Body {
        void run(Bench bench, Results results) throws IOException;
    }
}
