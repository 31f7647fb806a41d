package io.shmtel.schema;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.wellknown.Binding;
import io.shmtel.schema.wellknown.Slot;
import io.shmtel.schema.wellknown.SlotKind;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.schema.wellknown.WellKnownType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code "wellKnown"} key of a schema record (docs/schema.md, "Well-known messages"): one mapping object or
 * an array of them, each mapping the record's sample to a {@link WellKnownType}. Checks the keys against the
 * type's {@link Slot}s, each value's form against its {@link SlotKind}, the record fields it names (through
 * {@link WellKnownFields}) and the counts that must agree; fills in the defaults ({@link WellKnownDef}). Problems
 * go to the schema file's {@link JsonProblems}, located, with the fix and "did you mean" hints.
 */
final class WellKnownParser {
    /** How far a constant quaternion's length may be from 1: four digits written, e.g. 0.7071, pass. */
    private static final double UNIT_TOLERANCE = 1e-3;

    static final String KEY = "wellKnown";
    static final String TYPE_KEY = "type";
    static final String FIELD_KEY = "field";
    static final String PARENT_FRAME = "parent_frame_id";
    static final String CHILD_FRAME = "child_frame_id";
    private static final List<String> VECTOR_COMPONENTS = List.of("x", "y", "z", "w");

    private final JsonProblems problems;

    WellKnownParser(JsonProblems problems) {
        this.problems = problems;
    }

    /** The mappings {@code node} declares over the record's (valid) fields; those with a problem left out. */
    List<WellKnownDef> wellKnown(Node node, List<FieldDef> fields) {
        List<Node> elements;
        if (node instanceof Node.ObjectNode) {
            elements = List.of(node);
        } else if (node instanceof Node.ArrayNode array) {
            elements = array.elements();
            if (elements.isEmpty()) {
                problems.problem(node, "\"wellKnown\" must hold at least one mapping; found an empty array: remove"
                        + " the key, or add { \"type\": ..., ... }");
            }
        } else {
            problems.problem(node, "expected a mapping { \"type\": \"foxglove.PoseInFrame\", ... } or an array of"
                    + " them; found " + problems.describe(node));
            return List.of();
        }
        WellKnownFields refs = new WellKnownFields(problems, fields);
        List<WellKnownDef> defs = new ArrayList<>();
        for (Node element : elements) {
            WellKnownDef def = mapping(element, refs);
            if (def != null) {
                defs.add(def);
            }
        }
        return defs;
    }

    private WellKnownDef mapping(Node node, WellKnownFields refs) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a mapping object { \"type\": ..., ... }; found "
                    + problems.describe(node));
            return null;
        }
        Node typeNode = problems.require(obj, TYPE_KEY, "the well-known type, one of "
                + String.join(", ", WellKnownType.typeNames()));
        WellKnownType type = typeNode == null ? null : type(typeNode);
        if (type == null) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        keys.add(TYPE_KEY);
        type.slots().forEach(s -> keys.add(s.key()));
        problems.keys(obj, keys);
        Map<String, Binding> bindings = bindings(obj, type.slots(), type, refs);
        if (bindings == null || !countsAgree(type, obj, bindings, refs)
                || type == WellKnownType.FRAME_TRANSFORM && !oneParent(obj, new HashMap<>(), 0)) {
            return null;
        }
        return new WellKnownDef(type, bindings);
    }

    private WellKnownType type(Node typeNode) {
        List<String> names = WellKnownType.typeNames();
        if (!(typeNode instanceof Node.StringNode s)) {
            problems.problem(typeNode, "expected a well-known type name (" + String.join(", ", names) + "); found "
                    + problems.describe(typeNode));
            return null;
        }
        WellKnownType type = WellKnownType.byName(s.value()).orElse(null);
        if (type == null) {
            String suggestion = Names.closest(s.value(), names).orElse(null);
            if (suggestion == null) {
                String shortName = s.value().substring(Math.max(s.value().lastIndexOf('.'),
                        s.value().lastIndexOf('/')) + 1);
                List<String> shortNames = Arrays.stream(WellKnownType.values()).map(WellKnownType::shortName).toList();
                suggestion = Names.closest(shortName, shortNames)
                        .map(n -> names.get(shortNames.indexOf(n))).orElse(null);
            }
            problems.problem(typeNode, "unknown well-known type \"" + s.value() + "\""
                    + JsonProblems.didYouMean(suggestion) + " (types: " + String.join(", ", names) + ")");
        }
        return type;
    }

    /** The bindings of {@code slots} in {@code obj}, in the slots' order, defaults filled in; null after a problem. */
    private Map<String, Binding> bindings(Node.ObjectNode obj, List<Slot> slots, WellKnownType owner,
            WellKnownFields refs) {
        boolean ok = true;
        Map<String, Binding> bindings = new LinkedHashMap<>();
        for (Slot slot : slots) {
            Node value = obj.get(slot.key());
            if (value == null) {
                if (slot.required()) {
                    problems.require(obj, slot.key(), slot.description() + ": " + form(slot.kind()));
                    ok = false;
                } else if (WellKnownDef.defaultOf(slot.kind()) != null) {
                    bindings.put(slot.key(), WellKnownDef.defaultOf(slot.kind()));
                }
                continue;
            }
            Binding b = binding(slot, value, owner, refs);
            if (b == null) {
                ok = false;
            } else {
                bindings.put(slot.key(), b);
            }
        }
        return ok ? bindings : null;
    }

    private Binding binding(Slot slot, Node value, WellKnownType owner, WellKnownFields refs) {
        String key = slot.key();
        if (owner == WellKnownType.POINT_CLOUD && key.equals("count")) {
            if (!(value instanceof Node.StringNode s)) {
                return wrongForm(key, value, "the name of an integer scalar field (the number of valid points)");
            }
            return refs.integerScalar(key, value, s.value());
        }
        return switch (slot.kind()) {
            case TEXT -> text(key, value, refs);
            case NUMBER -> number(key, value, refs);
            case VECTOR3, QUATERNION -> vector(key, value, slot.kind(), refs);
            case POSE -> struct(key, value, WellKnownType.members(SlotKind.POSE), owner, refs);
            case NUMBERS -> value instanceof Node.StringNode s ? refs.numbers(key, value, s.value())
                    : wrongForm(key, value, form(SlotKind.NUMBERS));
            case TEXTS -> texts(key, value);
            case TRANSFORMS -> transforms(key, value, refs);
        };
    }

    /** How a value of {@code kind} is written, for messages. */
    static String form(SlotKind kind) {
        return switch (kind) {
            case TEXT -> "a text constant such as \"world\", or { \"field\": NAME } naming a string field";
            case NUMBER -> "a number, or a numeric field: \"NAME\" (a scalar) or \"NAME[i]\" (an element)";
            case VECTOR3 -> "a numeric array field of 3 elements \"NAME\", \"NAME[i]\" (elements i to i+2),"
                    + " [x, y, z] or { \"x\": ..., \"y\": ..., \"z\": ... }";
            case QUATERNION -> "a numeric array field of 4 elements \"NAME\", \"NAME[i]\" (elements i to i+3),"
                    + " [x, y, z, w] or { \"x\": ..., \"y\": ..., \"z\": ..., \"w\": ... }";
            case POSE -> "{ \"position\": VECTOR3, \"orientation\": QUATERNION }";
            case NUMBERS -> "the name of a numeric array field, e.g. \"ranges\"";
            case TEXTS -> "an array of text constants, e.g. [\"joint1\", \"joint2\"]";
            case TRANSFORMS -> "a non-empty array of transforms { \"parent_frame_id\": ..., \"child_frame_id\": ...,"
                    + " \"translation\": ..., \"rotation\": ... }";
        };
    }

    private Binding wrongForm(String key, Node value, String form) {
        problems.problem(value, "\"" + key + "\" takes " + form + "; found " + problems.describe(value));
        return null;
    }

    private Binding text(String key, Node value, WellKnownFields refs) {
        if (value instanceof Node.StringNode s) {
            return textConstant(key, s) ? new Binding.Text(s.value()) : null;
        }
        if (value instanceof Node.ObjectNode obj) {
            problems.keys(obj, List.of(FIELD_KEY));
            Node nameNode = problems.require(obj, FIELD_KEY, "the name of a string field");
            if (nameNode == null) {
                return null;
            }
            if (!(nameNode instanceof Node.StringNode name)) {
                return wrongForm(FIELD_KEY, nameNode, "the name of a string field");
            }
            String field = refs.textField(key, nameNode, name.value());
            return field == null ? null : new Binding.TextField(field);
        }
        return wrongForm(key, value, form(SlotKind.TEXT));
    }

    /** True when a text constant is within the limits (length, no control characters); a problem otherwise. */
    private boolean textConstant(String key, Node.StringNode s) {
        String v = s.value();
        if (v.length() > SchemaLimits.MAX_TEXT_LENGTH) {
            problems.problem(s, "\"" + key + "\" is " + v.length() + " characters long; the limit is "
                    + SchemaLimits.MAX_TEXT_LENGTH);
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                problems.problem(s, "\"" + key + "\" contains the control character U+"
                        + String.format("%04X", (int) v.charAt(i)) + " at index " + i + "; remove it");
                return false;
            }
        }
        return true;
    }

    private Binding number(String key, Node value, WellKnownFields refs) {
        if (value instanceof Node.NumberNode n) {
            return constant(key, n);
        }
        if (value instanceof Node.StringNode s) {
            return refs.number(key, value, s.value());
        }
        return wrongForm(key, value, form(SlotKind.NUMBER));
    }

    private Binding constant(String key, Node.NumberNode n) {
        double v = n.value().doubleValue();
        if (Double.isInfinite(v) || (v == 0 && n.value().signum() != 0)) {
            problems.problem(n, "\"" + key + "\": " + n.value() + " is beyond the range of a double (about 1e-308"
                    + " to 1.8e308 in magnitude)");
            return null;
        }
        return new Binding.Constant(v + 0.0); // no negative zero: canonical text writes 0
    }

    private Binding vector(String key, Node value, SlotKind kind, WellKnownFields refs) {
        int size = kind.vectorSize();
        String vectorName = kind == SlotKind.VECTOR3 ? "a Vector3" : "a Quaternion";
        List<String> components = VECTOR_COMPONENTS.subList(0, size);
        if (value instanceof Node.StringNode s) {
            List<Binding> items = refs.vector(key, value, s.value(), size, vectorName);
            return items == null ? null : new Binding.Vector(items);
        }
        List<Node> itemNodes = new ArrayList<>();
        if (value instanceof Node.ArrayNode array) {
            if (array.elements().size() != size) {
                problems.problem(array, "\"" + key + "\" lists " + array.elements().size() + " items; " + vectorName
                        + " takes " + size + " (" + String.join(", ", components) + ")");
                return null;
            }
            itemNodes.addAll(array.elements());
        } else if (value instanceof Node.ObjectNode obj) {
            problems.keys(obj, components);
            for (String c : components) {
                itemNodes.add(problems.require(obj, c, "a number, or a numeric field \"NAME\" or \"NAME[i]\""));
            }
        } else {
            return wrongForm(key, value, form(kind));
        }
        List<Binding> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Binding item = itemNodes.get(i) == null ? null
                    : number(key + "." + components.get(i), itemNodes.get(i), refs);
            if (item == null) {
                return null;
            }
            items.add(item);
        }
        if (kind == SlotKind.QUATERNION && !unitOrVariable(items)) {
            problems.problem(value, "\"" + key + "\" is a constant rotation of length "
                    + (float) length(items) + "; a rotation quaternion has length 1 (x, y, z, w): the identity is"
                    + " [0, 0, 0, 1], 90 degrees about z [0, 0, 0.7071068, 0.7071068]");
            return null;
        }
        return new Binding.Vector(items);
    }

    /** True unless every item is a constant and together they are not a unit quaternion (within rounding). */
    private static boolean unitOrVariable(List<Binding> items) {
        return !items.stream().allMatch(b -> b instanceof Binding.Constant)
                || Math.abs(length(items) - 1) <= UNIT_TOLERANCE;
    }

    private static double length(List<Binding> items) {
        double squares = 0;
        for (Binding b : items) {
            if (b instanceof Binding.Constant c) {
                squares += c.value() * c.value();
            }
        }
        return Math.sqrt(squares);
    }

    private Binding struct(String key, Node value, List<Slot> members, WellKnownType owner, WellKnownFields refs) {
        if (!(value instanceof Node.ObjectNode obj)) {
            return wrongForm(key, value, form(SlotKind.POSE));
        }
        problems.keys(obj, members.stream().map(Slot::key).toList());
        Map<String, Binding> bindings = bindings(obj, members, owner, refs);
        return bindings == null ? null : new Binding.Struct(bindings);
    }

    private Binding texts(String key, Node value) {
        if (!(value instanceof Node.ArrayNode array) || array.elements().isEmpty()) {
            return wrongForm(key, value, form(SlotKind.TEXTS));
        }
        List<String> texts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean ok = true;
        for (Node element : array.elements()) {
            if (!(element instanceof Node.StringNode s)) {
                wrongForm(key, element, "text constants only");
                ok = false;
            } else if (!textConstant(key, s)) {
                ok = false;
            } else if (!seen.add(s.value())) {
                problems.problem(s, "\"" + s.value() + "\" appears twice in \"" + key + "\"; each must be unique");
                ok = false;
            } else {
                texts.add(s.value());
            }
        }
        return ok ? new Binding.Texts(texts) : null;
    }

    private Binding transforms(String key, Node value, WellKnownFields refs) {
        if (!(value instanceof Node.ArrayNode array) || array.elements().isEmpty()) {
            return wrongForm(key, value, form(SlotKind.TRANSFORMS));
        }
        List<Slot> members = WellKnownType.members(SlotKind.TRANSFORMS);
        List<Binding.Struct> items = new ArrayList<>();
        Map<String, Integer> children = new HashMap<>();
        boolean ok = true;
        for (int i = 0; i < array.elements().size(); i++) {
            Node element = array.elements().get(i);
            if (element instanceof Node.ObjectNode obj && obj.get(TYPE_KEY) != null) {
                Node.Member m = obj.members().get(TYPE_KEY);
                problems.problem(m.keyLine(), m.keyColumn(), m.value().pointer(), "a transform of \"" + key
                        + "\" takes no \"type\" (each is a " + WellKnownType.FRAME_TRANSFORM.typeName()
                        + "): remove it");
                ok = false;
                continue;
            }
            Binding b = struct(key, element, members, WellKnownType.FRAME_TRANSFORM, refs);
            if (b instanceof Binding.Struct s && oneParent(element, children, i)) {
                items.add(s);
            } else {
                ok = false;
            }
        }
        return ok ? new Binding.StructList(items) : null;
    }

    /**
     * A transform of a tree joins two frames and gives its child frame its one parent: refused (false) when its
     * constant child frame is its parent, or already the child of transform {@code children} names.
     */
    private boolean oneParent(Node element, Map<String, Integer> children, int index) {
        if (!(element instanceof Node.ObjectNode obj) || !(obj.get(CHILD_FRAME) instanceof Node.StringNode child)) {
            return true;
        }
        if (obj.get(PARENT_FRAME) instanceof Node.StringNode parent && parent.value().equals(child.value())) {
            problems.problem(child, "\"" + CHILD_FRAME + "\" is \"" + child.value() + "\", the same as \""
                    + PARENT_FRAME + "\": a transform joins two frames: name the child frame");
            return false;
        }
        Integer first = children.putIfAbsent(child.value(), index);
        if (first != null) {
            problems.problem(child, "\"" + CHILD_FRAME + "\" \"" + child.value() + "\" is already the child of"
                    + " transform " + first + "; a frame has one parent: give each transform its own child frame");
            return false;
        }
        return true;
    }

    /** The sequences that go together have the same count; false after a problem. */
    private boolean countsAgree(WellKnownType type, Node.ObjectNode obj, Map<String, Binding> bindings,
            WellKnownFields refs) {
        return switch (type) {
            case LASER_SCAN -> sameCount(type, obj, bindings, refs, "ranges", "has", "elements", "intensities");
            case POINT_CLOUD -> sameCount(type, obj, bindings, refs, "x", "has", "elements", "y", "z", "intensity");
            case JOINT_STATE -> sameCount(type, obj, bindings, refs, "name", "lists", "joints", "position",
                    "velocity", "effort");
            default -> true;
        };
    }

    private boolean sameCount(WellKnownType type, Node.ObjectNode obj, Map<String, Binding> bindings,
            WellKnownFields refs, String lead, String verb, String unit, String... others) {
        int expected = count(bindings.get(lead), refs);
        boolean ok = true;
        for (String other : others) {
            Binding b = bindings.get(other);
            if (b != null && count(b, refs) != expected) {
                problems.problem(obj.get(other), type.shortName() + " \"" + other + "\" has " + count(b, refs)
                        + " elements but \"" + lead + "\" " + verb + " " + expected + " " + unit
                        + ": name a field of " + expected + " elements");
                ok = false;
            }
        }
        return ok;
    }

    private static int count(Binding b, WellKnownFields refs) {
        return b instanceof Binding.Texts t ? t.values().size() : refs.count(((Binding.Numbers) b).field());
    }
}
