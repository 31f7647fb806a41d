package io.shmtel.foxglove.wellknown;

import java.util.List;

/**
 * Where a well-known message is written, member by member in the message's own order: the one description of
 * each type ({@link WellKnownEncoder}) drives both a JSON object ({@link JsonSink}) and ROS 2 CDR
 * ({@link CdrSink}). Names are the message's field names (ignored by CDR); a struct inside a list has none.
 * One sink per encoder, reused for every message.
 */
interface MessageSink {

    /** Starts a new message. */
    void begin();

    /** Ends the message and returns its bytes (a new array). */
    byte[] finish();

    void beginStruct(String name);

    void endStruct();

    /** A sequence of {@code count} structs follows (each with {@link #beginStruct} with a null name). */
    void beginList(String name, int count);

    void endList();

    /** A {@code builtin_interfaces/Time} from nanoseconds since the epoch; {@code nanosName}: its second member. */
    void time(String name, String nanosName, long timestampNs);

    void text(String name, String value);

    void float64(String name, double value);

    void uint32(String name, long value);

    void uint8(String name, int value);

    /** A {@code float64[]} sequence: the first {@code count} values. */
    void float64s(String name, double[] values, int count);

    /** A {@code string[]} sequence. */
    void texts(String name, List<String> values);

    /** A {@code uint8[]} sequence (JSON: base64): the first {@code length} bytes. */
    void bytes(String name, byte[] data, int length);
}
