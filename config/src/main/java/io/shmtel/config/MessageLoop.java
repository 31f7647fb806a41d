package io.shmtel.config;

import static io.shmtel.config.DeploymentRunner.LOG;

import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.view.DynamicView;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A mailbox receiver's thread: takes each message, runs the subscriber's action on it and answers
 * the sender with what the action returned, until the deployment stops.
 */
final class MessageLoop implements Runnable {
    /** How long one take waits for a message. */
    private static final long TAKE_MS = 100;
    /** The pause after a failed take, so a broken region does not flood the log. */
    private static final long RETRY_MS = 1000;

    private final String name;
    private final MailboxReceiver receiver;
    private final SubscriberAction action;
    private final DynamicView view;
    private final BooleanSupplier running;

    MessageLoop(String name, MailboxReceiver receiver, SubscriberAction action, DynamicView view,
            BooleanSupplier running) {
        this.name = name;
        this.receiver = receiver;
        this.action = action;
        this.view = view;
        this.running = running;
    }

    @Override
    public void run() {
        RegionWait wait = new RegionWait(name, receiver.subscriber().regionName());
        while (running.getAsBoolean()) {
            try {
                boolean taken = receiver.take(view, TimeUnit.MILLISECONDS.toNanos(TAKE_MS));
                wait.attached(receiver.subscriber().region() != null);
                if (taken) {
                    answer();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "subscriber " + name + ": " + e.getMessage());
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Runs the action on the message taken and answers it with what the action returned. */
    private void answer() {
        int code;
        try {
            code = action.onMessage(receiver.subscriber(), view);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "subscriber " + name + ": action on message " + view.sampleIndex()
                    + " failed, answered " + SubscriberAction.FAILED + ": " + e);
            code = SubscriberAction.FAILED;
        }
        if (code < 0) {
            LOG.log(System.Logger.Level.WARNING, "subscriber " + name + ": action answered message "
                    + view.sampleIndex()
                    + " " + code + ", answered " + SubscriberAction.FAILED
                            + " instead (0 is done, 1 or more an error)");
            code = SubscriberAction.FAILED;
        }
        if (code == SubscriberAction.DONE) {
            receiver.done();
        } else {
            receiver.fail(code);
        }
    }
}
