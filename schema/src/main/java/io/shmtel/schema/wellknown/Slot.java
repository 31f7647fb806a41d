package io.shmtel.schema.wellknown;

/**
 * One field of a well-known message that a mapping gives: its key (the message's own field name), its kind,
 * whether a mapping must give it, and a one-line description for errors and the editor schema.
 */
public record Slot(String key, SlotKind kind, boolean required, String description) {

    static Slot required(String key, SlotKind kind, String description) {
        return new Slot(key, kind, true, description);
    }

    static Slot optional(String key, SlotKind kind, String description) {
        return new Slot(key, kind, false, description);
    }
}
