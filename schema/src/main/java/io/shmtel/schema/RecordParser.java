package io.shmtel.schema;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.wellknown.WellKnownDef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One record object of a schema file: its name, sync (ring or mailbox), depth, nominal rate, description and
 * fields (each read by {@link FieldParser}), its well-known message mappings ({@link WellKnownParser}), and the
 * size limits of its payload and ring. Problems go to the schema file's {@link JsonProblems}.
 */
final class RecordParser {
    static final List<String> RECORD_KEYS = List.of("name", "sync", "depth", "rateHz", "description", "fields",
            WellKnownParser.KEY);

    private final JsonProblems problems;
    private final FieldParser fieldParser;
    private final WellKnownParser wellKnownParser;

    RecordParser(JsonProblems problems) {
        this.problems = problems;
        this.fieldParser = new FieldParser(problems);
        this.wellKnownParser = new WellKnownParser(problems);
    }

    /** The record {@code node} declares; null after a problem. {@code seenNames}: the schema's record names. */
    RecordDef record(Node node, Map<String, Node> seenNames) {
        if (!(node instanceof Node.ObjectNode obj)) {
            problems.problem(node, "expected a record object with \"name\" and \"fields\"; found "
                    + problems.describe(node));
            return null;
        }
        problems.keys(obj, RECORD_KEYS);
        String name = name(obj, seenNames);
        RecordSync sync = sync(obj.get("sync"));
        Node depthNode = obj.get("depth");
        int depth = depth(obj, depthNode, sync);
        double rateHz = rateHz(obj.get("rateHz"));
        String description = problems.text(obj, "description", SchemaLimits.MAX_TEXT_LENGTH);
        List<FieldDef> fields = fields(obj);
        if (fields != null && name != null) {
            checkSizes(obj, name, depth, depthNode, fields);
        }
        if (name == null || fields == null) {
            return null;
        }
        Node wellKnownNode = obj.get(WellKnownParser.KEY);
        List<WellKnownDef> wellKnown = wellKnownNode == null ? List.of()
                : wellKnownParser.wellKnown(wellKnownNode, fields);
        return new RecordDef(name, depth, rateHz, description, fields, sync, wellKnown);
    }

    /** The record's name (a problem, too, when another record has it; the name is still returned). */
    private String name(Node.ObjectNode obj, Map<String, Node> seenNames) {
        String name = IdentifierChecks.identifier(problems, obj, "name", "record name");
        if (name != null) {
            Node nameNode = obj.get("name");
            Node first = seenNames.putIfAbsent(name, nameNode);
            if (first != null) {
                problems.problem(nameNode, "duplicate record name \"" + name + "\" (first declared at "
                        + first.pointer() + ", line " + first.line() + "); record names must be unique in a schema");
            }
        }
        return name;
    }

    /** The {@code "sync"} value; a ring when absent or (with a problem) invalid. */
    private RecordSync sync(Node syncNode) {
        RecordSync sync = RecordSync.RING;
        if (syncNode != null) {
            if (!(syncNode instanceof Node.StringNode s)) {
                problems.problem(syncNode, "expected \"ring\" or \"mailbox\"; found " + problems.describe(syncNode));
            } else {
                sync = RecordSync.bySchemaName(s.value()).orElse(null);
                if (sync == null) {
                    String hint = JsonProblems.didYouMean(s.value(), RecordSync.schemaNames());
                    problems.problem(syncNode, "unknown sync \"" + s.value() + "\"" + hint
                            + " (\"ring\": a seqlock ring, the default; \"mailbox\": one message at a time,"
                            + " answered by its consumer)");
                    sync = RecordSync.RING;
                }
            }
        }
        return sync;
    }

    /** The ring depth: a power of two; 1 for a mailbox; the default when absent or (with a problem) invalid. */
    private int depth(Node.ObjectNode obj, Node depthNode, RecordSync sync) {
        int depth = sync == RecordSync.MAILBOX ? 1 : SchemaLimits.DEFAULT_DEPTH;
        if (depthNode != null && sync == RecordSync.MAILBOX) {
            problems.problem(depthNode, "a mailbox holds one message at a time and has no depth: remove \"depth\" "
                    + "(or drop \"sync\": \"mailbox\" for a ring of samples)");
        } else if (depthNode != null) {
            Integer d = problems.integer(obj, "depth", false, SchemaLimits.MIN_DEPTH, SchemaLimits.MAX_DEPTH, null,
                    "a power of two from " + SchemaLimits.MIN_DEPTH + " to " + SchemaLimits.MAX_DEPTH);
            if (d != null) {
                if (Integer.bitCount(d) != 1) {
                    problems.problem(depthNode, "depth must be a power of two from " + SchemaLimits.MIN_DEPTH + " to "
                            + SchemaLimits.MAX_DEPTH + "; found " + d + nearestPowerOfTwo(d));
                } else {
                    depth = d;
                }
            }
        }
        return depth;
    }

    /** The nominal rate in samples per second; 0 (none) when absent or (with a problem) invalid. */
    private double rateHz(Node rateNode) {
        double rateHz = 0;
        if (rateNode != null) {
            if (!(rateNode instanceof Node.NumberNode num)) {
                problems.problem(rateNode, "expected a number (samples per second); found "
                        + problems.describe(rateNode));
            } else if (num.value().signum() <= 0
                    || num.value().compareTo(BigDecimal.valueOf(SchemaLimits.MAX_RATE_HZ)) > 0) {
                problems.problem(rateNode, "rateHz must be greater than 0 and at most "
                        + (long) SchemaLimits.MAX_RATE_HZ + "; found " + num.value().toPlainString());
            } else {
                rateHz = num.value().doubleValue();
            }
        }
        return rateHz;
    }

    /** The record's fields; null when the array is missing, invalid, empty or holds an invalid field. */
    private List<FieldDef> fields(Node.ObjectNode obj) {
        Node fieldsNode = problems.require(obj, "fields",
                "an array of fields, e.g. \"fields\": [{ \"name\": \"x\", \"type\": \"f64\" }]");
        if (fieldsNode == null) {
            return null;
        }
        if (!(fieldsNode instanceof Node.ArrayNode array)) {
            problems.problem(fieldsNode, "expected an array of fields; found " + problems.describe(fieldsNode));
            return null;
        }
        if (array.elements().isEmpty()) {
            problems.problem(array, "\"fields\" must contain at least one field; found an empty array");
            return null;
        }
        if (array.elements().size() > SchemaLimits.MAX_FIELDS) {
            problems.problem(array, "a record may declare at most " + SchemaLimits.MAX_FIELDS + " fields; found "
                    + array.elements().size() + ": split the record");
        }
        boolean fieldsOk = true;
        List<FieldDef> fields = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        Map<String, Node> javaNames = new HashMap<>();
        List<Node> fieldNodes = new ArrayList<>();
        for (Node element : array.elements()) {
            FieldDef field = fieldParser.field(element, seen, javaNames);
            if (field == null) {
                fieldsOk = false;
            } else {
                fields.add(field);
                fieldNodes.add(element);
            }
        }
        fieldParser.checkGeneratedNameClashes(fields, fieldNodes);
        return fieldsOk ? fields : null;
    }

    /** The payload of one sample and the ring of {@code depth} slots must stay within the schema limits. */
    private void checkSizes(Node.ObjectNode obj, String name, int depth, Node depthNode, List<FieldDef> fields) {
        long payload = LayoutCompiler.payloadLength(fields);
        if (payload > SchemaLimits.MAX_PAYLOAD_BYTES) {
            problems.problem(obj, "record \"" + name + "\" has a payload of " + payload + " bytes; the limit is "
                    + SchemaLimits.MAX_PAYLOAD_BYTES + " bytes (1 MiB): lower counts or lengths, or split the record");
        } else {
            long ring = (long) depth * LayoutCompiler.slotLength(payload);
            if (ring > SchemaLimits.MAX_RING_BYTES) {
                problems.problem(depthNode != null ? depthNode : obj, "record \"" + name + "\" needs a ring of "
                        + ring + " bytes (depth " + depth + " x slot " + LayoutCompiler.slotLength(payload)
                        + " bytes); the limit is " + SchemaLimits.MAX_RING_BYTES
                        + " bytes (256 MiB): lower the depth");
            }
        }
    }

    private static String nearestPowerOfTwo(int d) {
        if (d < SchemaLimits.MIN_DEPTH) {
            return " (the smallest allowed is " + SchemaLimits.MIN_DEPTH + ")";
        }
        if (d > SchemaLimits.MAX_DEPTH) {
            return " (the largest allowed is " + SchemaLimits.MAX_DEPTH + ")";
        }
        int below = Integer.highestOneBit(d);
        return " (nearest: " + below + " or " + (below << 1) + ")";
    }
}
