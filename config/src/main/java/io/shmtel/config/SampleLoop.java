package io.shmtel.config;

import static io.shmtel.config.DeploymentRunner.LOG;

import io.shmtel.core.Subscriber;
import io.shmtel.core.view.DynamicView;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A subscriber's thread: waits for each new sample of its region and hands it to the subscriber's
 * action, until the deployment stops; before the region exists it says so once ({@link RegionWait}).
 */
final class SampleLoop implements Runnable {
    /** How long one wait for a sample lasts, and the pause while no region is attached. */
    private static final long POLL_MS = 100;

    private final String name;
    private final Subscriber subscriber;
    private final SubscriberAction action;
    private final BooleanSupplier running;

    SampleLoop(String name, Subscriber subscriber, SubscriberAction action, BooleanSupplier running) {
        this.name = name;
        this.subscriber = subscriber;
        this.action = action;
        this.running = running;
    }

    @Override
    public void run() {
        RegionWait wait = new RegionWait(name, subscriber.regionName());
        DynamicView view = null;
        while (running.getAsBoolean()) {
            wait.attached(subscriber.record() != null);
            if (subscriber.record() != null && (view == null || view.record() != subscriber.record())) {
                view = new DynamicView(subscriber.record());
            }
            if (view != null && subscriber.awaitNext(view, TimeUnit.MILLISECONDS.toNanos(POLL_MS))) {
                try {
                    action.onSample(subscriber, view);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "subscriber action on " + subscriber.regionName() + " failed: "
                            + e);
                }
            } else if (view == null) {
                subscriber.state();
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
