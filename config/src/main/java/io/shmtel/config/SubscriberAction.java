package io.shmtel.config;

import io.shmtel.core.Subscriber;
import io.shmtel.core.view.DynamicView;

/**
 * What a deployment's subscriber does with each new sample. Built in: {@code log} and {@code none};
 * users add their own with {@link ShmtelBindings#registerAction}.
 */
@FunctionalInterface
public interface SubscriberAction {
    /** Called on the subscriber's thread for each new sample, with the sample in {@code view}. */
    void onSample(Subscriber subscriber, DynamicView view);
}
