package io.shmtel.foxglove;

/**
 * One advertised channel, as of the last tenth of a second.
 *
 * @param received  samples read from the region while subscribed
 * @param sent      messages made from them (at most the rate limit a second)
 * @param decimated samples not sent because a newer one came before the next send time
 * @param lost      samples the writer overwrote before the server read them
 */
public record ChannelStats(int channelId, String topic, long epoch, int subscriptions, long received, long sent,
        long decimated, long lost) {}
