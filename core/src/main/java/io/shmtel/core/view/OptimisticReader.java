package io.shmtel.core.view;

/**
 * What an optimistic (zero-copy) read runs on the live slot: {@code Subscriber.latestOptimistic(view,
 * reader)} and {@code pollOptimistic(view, reader)} point {@code view} at the slot of the sample in the
 * shared region (no copy), call {@link #read}, then validate the slot's seq as the copying read does
 * around its copy. Only when that validation passes do they return true; a read that a writer overlapped is
 * thrown away and the call retried on a newer slot (or, for a stream, the overwritten samples counted
 * lost), as {@code java.util.concurrent.locks.StampedLock}'s {@code tryOptimisticRead}/{@code validate}.
 *
 * <p>So {@link #read} may see torn bytes and may be called several times for one successful read. It must:
 * <ul>
 *   <li>only copy what it needs into fields of its own (or arrays it owns), starting from scratch on each
 *       call (reset a {@code StringBuilder} first): its fields hold a valid sample only after the
 *       subscriber's call returned true, never before, and never after it returned false;
 *   <li>not act on the values (no commands, no output, no shared state): that is for the caller, afterwards;
 *   <li>not loop or index on what it reads (a torn count can be anything). The view's own getters are safe
 *       on torn bytes ({@link RecordView}). A {@link RuntimeException} it throws is dropped with the attempt
 *       when the attempt fails validation, and rethrown by the subscriber when it passes;
 *   <li>not keep {@code view}: it is unwrapped when {@link #read} returns (its getters then throw).
 * </ul>
 * Implement it on an object allocated once (a field of the caller), not as a capturing lambda created per
 * read: the read paths allocate nothing.
 *
 * <pre>{@code
 * final class Shoulder implements OptimisticReader<JointStateView> {
 *     double angle;
 *     public void read(JointStateView view) {
 *         angle = view.position(1);
 *     }
 * }
 * Shoulder shoulder = new Shoulder();                       // once
 * if (subscriber.latestOptimistic(view, shoulder)) {        // validated: shoulder.angle is sample k's
 *     control(shoulder.angle);
 * }
 * }</pre>
 *
 * @param <V> the view type the reader reads through
 */
@FunctionalInterface
public interface OptimisticReader<V extends RecordView> {
    /** Copies the fields it needs from {@code view}, which reads the live slot; see the interface comment. */
    void read(V view);
}
