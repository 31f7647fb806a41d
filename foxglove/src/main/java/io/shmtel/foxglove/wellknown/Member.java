package io.shmtel.foxglove.wellknown;

import java.util.List;

/**
 * One member of a {@link MessageStructure}: its name, either a {@link Primitive} or a nested structure, whether it
 * is a sequence, the named values of an enumeration (empty otherwise) and a line saying what it holds.
 *
 * @param name the member's name, the same in JSON and ROS 2
 * @param primitive its scalar kind, or null when it is a nested message
 * @param nested its message structure, or null when it is a primitive
 * @param sequence whether it holds any number of values (a JSON array, a ROS 2 {@code T[]})
 * @param constants an enumeration's named values, in order (empty when not an enumeration)
 * @param description what it holds, in our words
 */
record Member(String name, Primitive primitive, MessageStructure nested, boolean sequence,
        List<Constant> constants, String description) {

    /** A named value of an enumeration member: ROS 2 {@code uint8 NAME=value}, a JSON {@code const}. */
    record Constant(String name, int value) {}

    /** A single primitive value. */
    static Member field(String name, Primitive primitive, String description) {
        return new Member(name, primitive, null, false, List.of(), description);
    }

    /** A sequence of primitive values. */
    static Member sequence(String name, Primitive primitive, String description) {
        return new Member(name, primitive, null, true, List.of(), description);
    }

    /** A nested message. */
    static Member message(String name, MessageStructure nested, String description) {
        return new Member(name, null, nested, false, List.of(), description);
    }

    /** A sequence of nested messages. */
    static Member messages(String name, MessageStructure nested, String description) {
        return new Member(name, null, nested, true, List.of(), description);
    }

    /** A primitive that takes one of the named values. */
    static Member enumeration(String name, Primitive primitive, String description, Constant... constants) {
        return new Member(name, primitive, null, false, List.of(constants), description);
    }
}
