package io.shmtel.foxglove.wellknown;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The scalar kinds a member of a {@link MessageStructure} can have, each with its JSON Schema form (for the
 * {@code jsonschema} encoding) and its ROS 2 type (for {@code ros2msg}).
 */
enum Primitive {
    /** A double: JSON number, ROS 2 {@code float64}. */
    FLOAT64("number", null, null, "float64"),
    /** An unsigned 32-bit integer: JSON integer from 0. */
    UINT32("integer", 0L, null, "uint32"),
    /** A signed 32-bit integer (ROS 2 time's seconds). */
    INT32("integer", null, null, "int32"),
    /** The nanoseconds within a second: JSON integer 0..999999999. */
    NANOSECONDS("integer", 0L, Primitive.MAX_NANOSECONDS, "uint32"),
    /** A byte: in this catalogue only an enumeration's value, whose JSON form is the list of its constants. */
    UINT8("integer", 0L, null, "uint8"),
    /** Text: JSON string, ROS 2 {@code string}. */
    STRING("string", null, null, "string"),
    /** Raw bytes: a base64 JSON string, ROS 2 {@code uint8[]}. */
    BYTES("string", null, null, "uint8[]");

    /** The largest nanoseconds value within one second. */
    static final long MAX_NANOSECONDS = 999_999_999L;
    private static final String BASE64 = "base64";

    private final String jsonType;
    private final Long minimum;
    private final Long maximum;
    private final String rosType;

    Primitive(String jsonType, Long minimum, Long maximum, String rosType) {
        this.jsonType = jsonType;
        this.minimum = minimum;
        this.maximum = maximum;
        this.rosType = rosType;
    }

    /** The ROS 2 type of one value: {@code float64}, {@code uint8[]} for bytes. */
    String rosType() {
        return rosType;
    }

    /** A new JSON Schema object for one value of this kind. */
    ObjectNode jsonSchema() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("type", jsonType);
        if (minimum != null) {
            schema.put("minimum", minimum);
        }
        if (maximum != null) {
            schema.put("maximum", maximum);
        }
        if (this == BYTES) {
            schema.put("contentEncoding", BASE64);
        }
        return schema;
    }
}
