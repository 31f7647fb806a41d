package io.shmtel.schema.wellknown;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code "wellKnown"} mapping of a record, as checked by the schema parser: the target type and, by the
 * target's field names in its order, where each value comes from. Defaults are filled in: an omitted vector is
 * the zero vector, quaternion and pose the identity, an omitted text {@code ""}; an omitted optional sequence
 * ({@link SlotKind#NUMBERS}) or count stays absent (an empty sequence, every point).
 */
public record WellKnownDef(WellKnownType type, Map<String, Binding> bindings) {

    public WellKnownDef {
        Objects.requireNonNull(type, "type");
        bindings = Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
    }

    /** The binding of that field of the target, or null when absent. */
    public Binding get(String key) {
        return bindings.get(key);
    }

    /** The default of an omitted optional field of that kind, or null when it stays absent. */
    public static Binding defaultOf(SlotKind kind) {
        return switch (kind) {
            case TEXT -> new Binding.Text("");
            case VECTOR3 -> Binding.Vector.of(0, 0, 0);
            case QUATERNION -> Binding.Vector.of(0, 0, 0, 1);
            case POSE -> {
                Map<String, Binding> identity = new LinkedHashMap<>();
                identity.put("position", Binding.Vector.of(0, 0, 0));
                identity.put("orientation", Binding.Vector.of(0, 0, 0, 1));
                yield new Binding.Struct(identity);
            }
            case NUMBER, NUMBERS, TEXTS, TRANSFORMS -> null;
        };
    }
}
