package io.shmtel.config;

import static io.shmtel.config.DeploymentRunner.LOG;

/**
 * Tells, once, that a subscriber waits for a region no writer has created yet, and once more when
 * it appears: without it a subscriber started before its region's writer is silent.
 */
final class RegionWait {
    private final String subscriber;
    private final String region;
    private boolean seen;
    private boolean waiting;

    RegionWait(String subscriber, String region) {
        this.subscriber = subscriber;
        this.region = region;
    }

    /** Called on each turn of the subscriber's loop with whether the region is attached now. */
    void attached(boolean attached) {
        if (attached) {
            if (waiting) {
                LOG.log(System.Logger.Level.INFO, "subscriber " + subscriber + ": region " + region + " appeared");
            }
            seen = true;
            waiting = false;
        } else if (!seen && !waiting) {
            waiting = true;
            LOG.log(System.Logger.Level.INFO, "subscriber " + subscriber + ": waiting for region " + region
                    + " (no writer has created it yet; reading starts when one does)");
        }
    }
}
