package io.shmtel.config;

import static io.shmtel.config.DeploymentRunner.LOG;

import io.shmtel.core.Subscriber;
import io.shmtel.core.view.DynamicView;
import java.util.concurrent.TimeUnit;

/** The built-in {@code log} action: one line per sample, at most every {@code everyMs}. */
final class LogAction implements SubscriberAction {
    private final String name;
    private final long everyNs;
    private long nextNs;

    LogAction(String name, long everyMs) {
        this.name = name;
        this.everyNs = TimeUnit.MILLISECONDS.toNanos(everyMs);
    }

    @Override
    public void onSample(Subscriber subscriber, DynamicView view) {
        long now = System.nanoTime();
        if (now - nextNs < 0) {
            return;
        }
        nextNs = now + everyNs;
        LOG.log(System.Logger.Level.INFO, name + " " + subscriber.state() + " "
                + view.appendText(new StringBuilder()));
    }

    /** Every message, unthrottled: commands are few and each matters. */
    @Override
    public int onMessage(Subscriber subscriber, DynamicView view) {
        LOG.log(System.Logger.Level.INFO, name + " took message " + view.sampleIndex() + " "
                + view.appendText(new StringBuilder()));
        return DONE;
    }
}
