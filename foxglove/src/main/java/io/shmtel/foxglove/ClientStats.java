package io.shmtel.foxglove;

/**
 * One connected client, as of the last tenth of a second.
 *
 * @param sentMessages    sample messages written to it
 * @param droppedMessages sample messages replaced by a newer one of the same channel while the client was behind
 * @param queuedBytes     bytes the server holds for it that the kernel has not taken yet (bounded by the high-water
 * mark)
 */
public record ClientStats(String remote, String subprotocol, int subscriptions, long sentMessages,
        long droppedMessages, long queuedBytes) {}
