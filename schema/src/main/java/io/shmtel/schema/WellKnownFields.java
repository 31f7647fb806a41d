package io.shmtel.schema;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.wellknown.Binding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record fields a {@code "wellKnown"} mapping names ({@link WellKnownParser}): a field {@code "pos"} or one
 * element {@code "pos[2]"}, looked up among the record's fields ("did you mean") and checked for the kind the
 * target wants: a string field for a text, a numeric one (integer or float, not bool) for numbers, a scalar or an
 * array of the right count. Problems go to the schema file's {@link JsonProblems}.
 */
final class WellKnownFields {
    /** {@code name[index]}: one element of an array field. */
    private static final Pattern ELEMENT = Pattern.compile("(.*)\\[([0-9]{1,9})]");

    private final JsonProblems problems;
    private final Map<String, FieldDef> fields = new LinkedHashMap<>();

    WellKnownFields(JsonProblems problems, List<FieldDef> recordFields) {
        this.problems = problems;
        for (FieldDef f : recordFields) {
            fields.put(f.name(), f);
        }
    }

    /** A field reference as written: the field's name and the element index, or {@link Binding.NumberRef#SCALAR}. */
    record Ref(String name, int index) {
        static Ref of(String text) {
            Matcher m = ELEMENT.matcher(text);
            return m.matches() ? new Ref(m.group(1), Integer.parseInt(m.group(2)))
                    : new Ref(text, Binding.NumberRef.SCALAR);
        }

        boolean isElement() {
            return index != Binding.NumberRef.SCALAR;
        }

        @Override
        public String toString() {
            return isElement() ? name + "[" + index + "]" : name;
        }
    }

    /** {@code f64}, {@code f32[360]}, {@code string (length 16)}: how messages show a field's type. */
    static String typeOf(FieldDef f) {
        if (f.type() == FieldType.STRING) {
            return "a string field (length " + f.length() + ")";
        }
        return f.isArray() ? f.type().schemaName() + "[" + f.count() + "]" : f.type().schemaName();
    }

    /** True for the integer and float types, whose values a well-known message can take as numbers. */
    static boolean isNumeric(FieldDef f) {
        FieldType.Kind kind = f.type().kind();
        return kind != FieldType.Kind.TEXT && kind != FieldType.Kind.BOOLEAN;
    }

    /** The field {@code name}; null, with a problem at {@code at} (did you mean, the fields), when there is none. */
    FieldDef field(String key, Node at, String name) {
        FieldDef f = fields.get(name);
        if (f == null) {
            problems.problem(at, "unknown field \"" + name + "\" in \"" + key + "\""
                    + JsonProblems.didYouMean(name, fields.keySet()) + " (fields: " + String.join(", ", fields.keySet())
                    + ")");
        }
        return f;
    }

    /** The string field {@code {"field": NAME}} names, for the text {@code key}; null after a problem. */
    String textField(String key, Node at, String name) {
        FieldDef f = field(key, at, name);
        if (f == null) {
            return null;
        }
        if (f.type() != FieldType.STRING) {
            problems.problem(at, "\"" + key + "\" takes a string field or a text constant; \"" + name + "\" is "
                    + typeOf(f) + ": declare a string field, or write the frame id as a constant");
            return null;
        }
        return name;
    }

    /** The numeric field {@code ref} names, for {@code key}; null after a problem (unknown, no number). */
    FieldDef numeric(String key, Node at, Ref ref) {
        FieldDef f = field(key, at, ref.name());
        if (f == null) {
            return null;
        }
        if (!isNumeric(f)) {
            problems.problem(at, "\"" + key + "\" takes a numeric field; \"" + ref.name() + "\" is " + typeOf(f)
                    + ": name an integer or float field, or write a number");
            return null;
        }
        if (ref.isElement() && !f.isArray()) {
            problems.problem(at, "\"" + ref + "\": \"" + ref.name() + "\" is a scalar (" + typeOf(f)
                    + ") and has no elements: write \"" + ref.name() + "\"");
            return null;
        }
        if (ref.isElement() && ref.index() >= f.count()) {
            problems.problem(at, "\"" + ref + "\": element " + ref.index() + " is out of range; \"" + ref.name()
                    + "\" is " + typeOf(f) + " (elements 0 to " + (f.count() - 1) + ")");
            return null;
        }
        return f;
    }

    /** One number of {@code key}: a scalar field or one element of an array field; null after a problem. */
    Binding.NumberRef number(String key, Node at, String text) {
        Ref ref = Ref.of(text);
        FieldDef f = numeric(key, at, ref);
        if (f == null) {
            return null;
        }
        if (!ref.isElement() && f.isArray()) {
            problems.problem(at, "\"" + key + "\" takes one number; \"" + ref.name() + "\" is " + typeOf(f)
                    + ": name one element, e.g. \"" + ref.name() + "[0]\"");
            return null;
        }
        return new Binding.NumberRef(ref.name(), ref.index());
    }

    /**
     * The {@code size} numbers of a vector {@code key} ({@code vectorName}: "a Vector3") from an array field of
     * that many elements, or from {@code size} elements of a longer one starting at {@code "pos[i]"}; null after a
     * problem.
     */
    List<Binding> vector(String key, Node at, String text, int size, String vectorName) {
        Ref ref = Ref.of(text);
        FieldDef f = numeric(key, at, ref);
        if (f == null) {
            return null;
        }
        if (!f.isArray()) {
            problems.problem(at, "\"" + key + "\": \"" + ref.name() + "\" is a scalar (" + typeOf(f) + "); "
                    + vectorName + " takes " + size + " numbers: name an array field of " + size
                    + " elements, \"NAME[i]\" for elements i to i+" + (size - 1) + " of a longer one, or list " + size
                    + " items");
            return null;
        }
        int first = ref.isElement() ? ref.index() : 0;
        if (!ref.isElement() && f.count() != size) {
            problems.problem(at, "\"" + key + "\": \"" + ref.name() + "\" has " + f.count() + " elements; "
                    + vectorName + " takes " + size + ": write \"" + ref.name() + "[0]\" for elements 0 to "
                    + (size - 1) + ", or list " + size + " items");
            return null;
        }
        if (first + size > f.count()) {
            problems.problem(at, "\"" + key + "\": \"" + ref + "\" would take elements " + first + " to "
                    + (first + size - 1) + " but \"" + ref.name() + "\" has " + f.count() + " (0 to " + (f.count() - 1)
                    + "); " + vectorName + " takes " + size + ": start at " + (f.count() - size) + " at most");
            return null;
        }
        List<Binding> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            items.add(new Binding.NumberRef(ref.name(), first + i));
        }
        return items;
    }

    /** The whole numeric array field {@code key} names; null after a problem. */
    Binding.Numbers numbers(String key, Node at, String text) {
        Ref ref = Ref.of(text);
        if (ref.isElement()) {
            problems.problem(at, "\"" + key + "\" takes a whole array field: write \"" + ref.name() + "\", not \""
                    + ref + "\"");
            return null;
        }
        FieldDef f = numeric(key, at, ref);
        if (f == null) {
            return null;
        }
        if (!f.isArray()) {
            problems.problem(at, "\"" + key + "\" takes a numeric array field; \"" + ref.name() + "\" is a scalar ("
                    + typeOf(f) + "): give it a \"count\"");
            return null;
        }
        return new Binding.Numbers(ref.name());
    }

    /** The integer scalar field a point count names ({@code key}); null after a problem. */
    Binding.NumberRef integerScalar(String key, Node at, String text) {
        Ref ref = Ref.of(text);
        FieldDef f = field(key, at, ref.name());
        if (f == null) {
            return null;
        }
        FieldType.Kind kind = f.type().kind();
        boolean integer = kind == FieldType.Kind.SIGNED_INTEGER || kind == FieldType.Kind.UNSIGNED_INTEGER;
        if (!integer || f.isArray() || ref.isElement()) {
            problems.problem(at, "\"" + key + "\" must be an integer scalar field; \"" + ref.name() + "\" is "
                    + typeOf(f) + (ref.isElement() ? " (and takes no element index)" : "")
                    + ": declare e.g. { \"name\": \"" + key + "\", \"type\": \"u32\" }");
            return null;
        }
        return new Binding.NumberRef(ref.name(), Binding.NumberRef.SCALAR);
    }

    /** The element count of the array field {@code name} (a {@link Binding.Numbers} binding's). */
    int count(String name) {
        return fields.get(name).count();
    }
}
