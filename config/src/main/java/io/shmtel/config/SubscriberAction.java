package io.shmtel.config;

import io.shmtel.core.Subscriber;
import io.shmtel.core.view.DynamicView;

/**
 * What a deployment's subscriber does with each new sample, or with each message of a mailbox it
 * takes. Built in: {@code log} and {@code none}; users add their own with {@link ShmtelBindings#registerAction}.
 */
@FunctionalInterface
public interface SubscriberAction {
    /** {@link #onMessage}'s answer for a message handled. */
    int DONE = 0;
    /** The answer to a message whose action threw (codes 1 and more are the action's to choose). */
    int FAILED = 1;

    /** Called on the subscriber's thread for each new sample, with the sample in {@code view}. */
    void onSample(Subscriber subscriber, DynamicView view);

    /**
     * Called for each message of a mailbox that this subscriber takes ({@code "take": true}), with the
     * message in {@code view}; returns the answer its sender reads back: {@link #DONE}, or an error
     * code of 1 or more. By default {@link #onSample}, then done; an exception answers {@link #FAILED}.
     */
    default int onMessage(Subscriber subscriber, DynamicView view) {
        onSample(subscriber, view);
        return DONE;
    }
}
