package io.shmtel.schema.wellknown;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where one field of a well-known message takes its value from, as a schema's {@code "wellKnown"} mapping says
 * (checked against the record's fields by the parser). Vectors are always held item by item: a mapping
 * {@code "pos"} of a 3-element array is {@code Vector[NumberRef(pos,0), NumberRef(pos,1), NumberRef(pos,2)]}.
 */
public sealed interface Binding {

    /** A text constant. */
    record Text(String value) implements Binding {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The text of a {@code string} field. */
    record TextField(String field) implements Binding {
        public TextField {
            Objects.requireNonNull(field, "field");
        }
    }

    /** A number constant (finite). */
    record Constant(double value) implements Binding {
        public Constant {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("not a finite number: " + value);
            }
        }
    }

    /** A numeric field: a scalar ({@code index} {@link #SCALAR}) or one element of an array. */
    record NumberRef(String field, int index) implements Binding {
        /** The index of a reference to a scalar field. */
        public static final int SCALAR = -1;

        public NumberRef {
            Objects.requireNonNull(field, "field");
            if (index < SCALAR) {
                throw new IllegalArgumentException("negative element index " + index);
            }
        }

        public boolean isScalar() {
            return index == SCALAR;
        }
    }

    /** Every element of a numeric array field, in order. */
    record Numbers(String field) implements Binding {
        public Numbers {
            Objects.requireNonNull(field, "field");
        }
    }

    /** A list of text constants. */
    record Texts(List<String> values) implements Binding {
        public Texts {
            values = List.copyOf(values);
        }
    }

    /** A 3- or 4-vector, item by item ({@link Constant} or {@link NumberRef} items); quaternions x, y, z, w. */
    record Vector(List<Binding> items) implements Binding {
        public Vector {
            items = List.copyOf(items);
            for (Binding b : items) {
                if (!(b instanceof Constant || b instanceof NumberRef)) {
                    throw new IllegalArgumentException("a vector item must be a number or a numeric field: " + b);
                }
            }
        }

        /** A vector of constants. */
        public static Vector of(double... values) {
            return new Vector(Arrays.stream(values).mapToObj(v -> (Binding) new Constant(v)).toList());
        }
    }

    /** A composite (a pose, one transform of a list): its members by key, in the target type's order. */
    record Struct(Map<String, Binding> members) implements Binding {
        public Struct {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        public Binding get(String key) {
            return members.get(key);
        }
    }

    /** A list of composites (the transforms of a {@code foxglove.FrameTransforms}). */
    record StructList(List<Struct> items) implements Binding {
        public StructList {
            items = List.copyOf(items);
        }
    }
}
