package dev.gameagent.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The runtime agent spec: who the NPC is (the character fields, rendered into the dossier) and how
 * it may answer (the output contract). The game sends it fresh before every turn as
 * {@code agent_state_snapshot.state}; see the protocol for the fields.
 *
 * <p>Immutable and thread-safe; equal specs are {@link #equals equal}, so caches can key on them.
 * Built from a JSON-like tree with {@link #fromMap} or with a {@link Builder}.
 *
 * <p>Field rules. Every field is optional except {@code name}; a known field that is null counts as
 * absent. Known keys are also accepted in camelCase ({@code outputTags}, {@code worldState}, ...)
 * and stored under their snake_case name. Types of known fields:
 * <ul>
 *   <li>{@code name}: a non-blank string;
 *   <li>{@code role}, {@code description}, {@code background}, {@code mood}, {@code location},
 *       {@code instructions}, {@code default_tag}: strings;
 *   <li>{@code personality}, {@code goals}, {@code knowledge}, {@code inventory}: a list or a string;
 *   <li>{@code relationships}, {@code world_state}: objects;
 *   <li>{@code output_tags}: a list of objects with {@code name}, {@code description}?,
 *       {@code values}? (list of strings), {@code attributes}? (object of attribute name to a list
 *       of allowed values, or null or empty for any value), {@code self_closing}? (boolean); tag
 *       names are unique (case-insensitively) and {@code tool_call} is reserved;
 *   <li>{@code default_tag}: names a declared tag (case-insensitively; stored in the declared spelling);
 *   <li>{@code tools}: a list of objects with a unique {@code name}, {@code description}? and
 *       {@code parameters}? (a JSON Schema object);
 *   <li>{@code llm}: an object with {@code provider}?, {@code model}? (strings),
 *       {@code temperature}? (number in [0, 2]), {@code max_tokens}? (positive integer), and any
 *       other fields, kept in {@link LlmSettings#extra()};
 *   <li>{@code history_limit}: an integer &gt;= 0, default 40.
 * </ul>
 * Unknown fields may hold any JSON value and are kept in order.
 */
public final class AgentSpec {
  /** The default {@link #historyLimit()}. */
  public static final int DEFAULT_HISTORY_LIMIT = 40;

  /** The camelCase spellings of known top-level keys ({@code self_closing}, {@code max_tokens} are nested). */
  private static final Map<String, String> CAMEL_CASE_KEYS = Map.of(
      "outputTags", "output_tags",
      "defaultTag", "default_tag",
      "historyLimit", "history_limit",
      "worldState", "world_state");

  /** The type rule of each known field but {@code name}. */
  private enum Kind { TEXT, LIST_OR_TEXT, OBJECT, CONTRACT }

  private static final Map<String, Kind> KNOWN_FIELDS = Map.ofEntries(
      Map.entry("role", Kind.TEXT),
      Map.entry("description", Kind.TEXT),
      Map.entry("background", Kind.TEXT),
      Map.entry("mood", Kind.TEXT),
      Map.entry("location", Kind.TEXT),
      Map.entry("personality", Kind.LIST_OR_TEXT),
      Map.entry("goals", Kind.LIST_OR_TEXT),
      Map.entry("knowledge", Kind.LIST_OR_TEXT),
      Map.entry("inventory", Kind.LIST_OR_TEXT),
      Map.entry("relationships", Kind.OBJECT),
      Map.entry("world_state", Kind.OBJECT),
      Map.entry("output_tags", Kind.CONTRACT),
      Map.entry("default_tag", Kind.CONTRACT),
      Map.entry("tools", Kind.CONTRACT),
      Map.entry("llm", Kind.CONTRACT),
      Map.entry("history_limit", Kind.CONTRACT),
      Map.entry("instructions", Kind.CONTRACT));

  private final String name;
  private final Map<String, Object> fields;
  private final List<OutputTag> outputTags;
  private final String defaultTag;
  private final List<ToolSpec> tools;
  private final LlmSettings llm;
  private final int historyLimit;
  private final String instructions;
  private int hash; // 0 = not computed yet; racy but idempotent, like String.hashCode

  private AgentSpec(Builder b, boolean ownFields) {
    this.name = b.name;
    this.fields = Collections.unmodifiableMap(ownFields ? b.fields : new LinkedHashMap<>(b.fields));
    this.outputTags = b.outputTags.isEmpty() ? OutputTag.defaults() : List.copyOf(b.outputTags);
    this.tools = List.copyOf(b.tools);
    this.llm = b.llm;
    this.historyLimit = b.historyLimit;
    this.instructions = b.instructions;
    this.defaultTag = resolveDefaultTag(b.defaultTag, outputTags);
    checkUnique(outputTags, tools);
  }

  /**
   * Builds a spec from a JSON-like tree (maps, lists, strings, numbers, booleans, nulls).
   *
   * @throws IllegalArgumentException naming the field, when {@code name} is missing or a known
   *     field has the wrong type; the message starts with the field's path and a space, e.g.
   *     {@code output_tags[1].values must be a list of strings}, so callers can report the field
   */
  public static AgentSpec fromMap(Map<String, ?> tree) {
    Objects.requireNonNull(tree, "tree == null");
    Builder b = new Builder(tree.size());
    for (Map.Entry<String, ?> e : tree.entrySet()) {
      String key = canonicalKey(e.getKey(), tree);
      Object value = e.getValue();
      switch (key) {
        case "output_tags" -> b.outputTags(value == null ? List.of() : parseOutputTags(value));
        case "default_tag" -> b.defaultTag(string(value, "default_tag"));
        case "tools" -> b.tools(value == null ? List.of() : parseTools(value));
        case "llm" -> b.llm(value == null ? LlmSettings.NONE : parseLlm(value));
        case "history_limit" -> b.historyLimit(value == null ? DEFAULT_HISTORY_LIMIT : integer(value, "history_limit"));
        case "instructions" -> b.instructions(string(value, "instructions"));
        default -> b.field(key, value);
      }
    }
    if (b.name == null) {
      throw new IllegalArgumentException("name must be a non-blank string");
    }
    return new AgentSpec(b, true); // b is dropped, so the spec may keep its field map
  }

  /** A builder for a spec named {@code name}, with no other field and the default output tags. */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder holding this spec's values. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  public String name() {
    return name;
  }

  /** Every field but the output contract ones, in the order given, unknown ones included. */
  public Map<String, Object> fields() {
    return fields;
  }

  /** The declared output tags, or {@link OutputTag#defaults()} when none are declared. */
  public List<OutputTag> outputTags() {
    return outputTags;
  }

  /** The implicit tag for text outside every tag, or null. */
  public String defaultTag() {
    return defaultTag;
  }

  public List<ToolSpec> tools() {
    return tools;
  }

  public LlmSettings llm() {
    return llm;
  }

  /** How many recent history entries a prompt may include; default 40. */
  public int historyLimit() {
    return historyLimit;
  }

  /** The spec's {@code instructions}, or null. */
  public String instructions() {
    return instructions;
  }

  /**
   * This spec as a JSON-like tree with snake_case keys, such that {@code fromMap(toMap())} equals
   * this spec: the fields in order, then {@code instructions}, {@code output_tags} (the tags in
   * effect), {@code default_tag}, {@code tools}, {@code llm} and {@code history_limit}. Immutable.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>(fields);
    if (instructions != null) {
      map.put("instructions", instructions);
    }
    List<Object> tags = new ArrayList<>(outputTags.size());
    for (OutputTag tag : outputTags) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", tag.name());
      t.put("description", tag.description());
      t.put("values", tag.values());
      t.put("attributes", tag.attributes());
      t.put("self_closing", tag.selfClosing());
      tags.add(Collections.unmodifiableMap(t));
    }
    map.put("output_tags", Collections.unmodifiableList(tags));
    if (defaultTag != null) {
      map.put("default_tag", defaultTag);
    }
    if (!tools.isEmpty()) {
      List<Object> list = new ArrayList<>(tools.size());
      for (ToolSpec tool : tools) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", tool.name());
        t.put("description", tool.description());
        t.put("parameters", tool.parameters());
        list.add(Collections.unmodifiableMap(t));
      }
      map.put("tools", Collections.unmodifiableList(list));
    }
    if (!llm.equals(LlmSettings.NONE)) {
      Map<String, Object> l = new LinkedHashMap<>();
      putIfNotNull(l, "provider", llm.provider());
      putIfNotNull(l, "model", llm.model());
      putIfNotNull(l, "temperature", llm.temperature());
      putIfNotNull(l, "max_tokens", llm.maxTokens());
      l.putAll(llm.extra());
      map.put("llm", Collections.unmodifiableMap(l));
    }
    map.put("history_limit", historyLimit);
    return Collections.unmodifiableMap(map);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof AgentSpec s
        && hashCode() == s.hashCode()
        && historyLimit == s.historyLimit
        && name.equals(s.name)
        && Objects.equals(defaultTag, s.defaultTag)
        && Objects.equals(instructions, s.instructions)
        && llm.equals(s.llm)
        && outputTags.equals(s.outputTags)
        && tools.equals(s.tools)
        && fields.equals(s.fields);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Objects.hash(name, fields, outputTags, defaultTag, tools, llm, historyLimit, instructions);
      hash = h == 0 ? 1 : h;
    }
    return h;
  }

  @Override
  public String toString() {
    return "AgentSpec{name=" + name
        + ", fields=" + fields.keySet()
        + ", outputTags=" + outputTags.stream().map(OutputTag::name).toList()
        + ", defaultTag=" + defaultTag
        + ", tools=" + tools.stream().map(ToolSpec::name).toList()
        + ", llm=" + llm
        + ", historyLimit=" + historyLimit
        + ", instructions=" + (instructions == null ? "none" : instructions.length() + " chars")
        + "}";
  }

  private static void putIfNotNull(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** The snake_case name of a known key given in camelCase; any other key as it is. */
  private static String canonicalKey(String key, Map<String, ?> siblings) {
    String canonical = CAMEL_CASE_KEYS.get(key);
    if (canonical == null) {
      return key;
    }
    if (siblings.containsKey(canonical)) {
      throw new IllegalArgumentException(canonical + " is given twice, as " + canonical + " and " + key);
    }
    return canonical;
  }

  /** A member of an {@code output_tags} element ({@code index}) or of {@code llm} (-1), in snake_case or camelCase. */
  private static Object member(Map<?, ?> object, String key, String camelKey, int index) {
    if (object.containsKey(key) && object.containsKey(camelKey)) {
      throw new IllegalArgumentException((index < 0 ? "llm" : path("output_tags", index, null)) + "." + key
          + " is given twice, as " + key + " and " + camelKey);
    }
    return object.containsKey(key) ? object.get(key) : object.get(camelKey);
  }

  // Paths for messages are built only when something is wrong: a spec is parsed on every turn.

  private static List<OutputTag> parseOutputTags(Object value) {
    List<?> list = list(value, "output_tags", "a list of objects");
    List<OutputTag> tags = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Map<?, ?> tag = object(list.get(i), "output_tags", i, null);
      String tagName = string(tag.get("name"), "output_tags", i, "name");
      if (tagName == null || !OutputTag.isTagName(tagName)) {
        throw new IllegalArgumentException(path("output_tags", i, "name")
            + " must be a tag name (a letter or _, then letters, digits, _ - .)"
            + (tagName == null ? "" : ": \"" + tagName + "\""));
      }
      List<String> values = strings(tag.get("values"));
      if (values == null) {
        throw new IllegalArgumentException(path("output_tags", i, "values") + " must be a list of strings");
      }
      Map<String, List<String>> attributes = Map.of();
      Object attrs = tag.get("attributes");
      if (attrs != null) {
        attributes = new LinkedHashMap<>();
        for (Map.Entry<?, ?> a : object(attrs, "output_tags", i, "attributes").entrySet()) {
          String attrName = String.valueOf(a.getKey());
          List<String> allowed = strings(a.getValue());
          if (!OutputTag.isTagName(attrName) || allowed == null) {
            throw new IllegalArgumentException(path("output_tags", i, "attributes." + attrName)
                + (allowed == null ? " must be a list of strings"
                    : " is not an attribute name (a letter or _, then letters, digits, _ - .)"));
          }
          attributes.put(attrName, allowed);
        }
      }
      Object selfClosing = member(tag, "self_closing", "selfClosing", i);
      if (selfClosing != null && !(selfClosing instanceof Boolean)) {
        throw new IllegalArgumentException(path("output_tags", i, "self_closing") + " must be a boolean");
      }
      boolean closing = Boolean.TRUE.equals(selfClosing);
      if (closing && !values.isEmpty()) {
        throw new IllegalArgumentException(path("output_tags", i, null) + " is self_closing, so it cannot declare values");
      }
      tags.add(new OutputTag(tagName, string(tag.get("description"), "output_tags", i, "description"),
          values, attributes, closing));
    }
    return tags;
  }

  private static List<ToolSpec> parseTools(Object value) {
    List<?> list = list(value, "tools", "a list of objects");
    List<ToolSpec> tools = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Map<?, ?> tool = object(list.get(i), "tools", i, null);
      String toolName = string(tool.get("name"), "tools", i, "name");
      if (toolName == null || toolName.isBlank()) {
        throw new IllegalArgumentException(path("tools", i, "name") + " must be a non-blank string");
      }
      Object parameters = tool.get("parameters");
      Map<String, Object> schema = parameters == null
          ? Map.of()
          : JsonTree.copyMap(object(parameters, "tools", i, "parameters"), path("tools", i, "parameters"));
      tools.add(new ToolSpec(toolName, string(tool.get("description"), "tools", i, "description"), schema));
    }
    return tools;
  }

  private static LlmSettings parseLlm(Object value) {
    Map<?, ?> block = object(value, "llm");
    String provider = null;
    String model = null;
    Double temperature = null;
    Integer maxTokens = null;
    Map<String, Object> extra = new LinkedHashMap<>();
    member(block, "max_tokens", "maxTokens", -1); // rejects both spellings at once
    for (Map.Entry<?, ?> e : block.entrySet()) {
      String key = String.valueOf(e.getKey());
      String canonical = "maxTokens".equals(key) ? "max_tokens" : key;
      Object v = e.getValue();
      switch (canonical) {
        case "provider" -> provider = string(v, "llm.provider");
        case "model" -> model = string(v, "llm.model");
        case "temperature" -> {
          if (v != null) {
            double t = v instanceof Number n ? n.doubleValue() : Double.NaN;
            if (!(t >= 0 && t <= 2)) {
              throw new IllegalArgumentException("llm.temperature must be a number in [0, 2]");
            }
            temperature = t;
          }
        }
        case "max_tokens" -> {
          if (v != null) {
            maxTokens = integer(v, "llm.max_tokens");
            if (maxTokens <= 0) {
              throw new IllegalArgumentException("llm.max_tokens must be a positive integer");
            }
          }
        }
        default -> extra.put(key, JsonTree.copy(v, "llm." + key));
      }
    }
    return new LlmSettings(provider, model, temperature, maxTokens, extra);
  }

  /** {@code field}, {@code field[index]} or {@code field[index].member}. */
  private static String path(String field, int index, String member) {
    String path = index < 0 ? field : field + "[" + index + "]";
    return member == null ? path : path + "." + member;
  }

  private static String string(Object value, String path) {
    return string(value, path, -1, null);
  }

  private static String string(Object value, String field, int index, String member) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new IllegalArgumentException(path(field, index, member) + " must be a string");
  }

  private static List<?> list(Object value, String path, String what) {
    if (value instanceof List<?> list) {
      return list;
    }
    throw new IllegalArgumentException(path + " must be " + what);
  }

  private static Map<?, ?> object(Object value, String path) {
    return object(value, path, -1, null);
  }

  private static Map<?, ?> object(Object value, String field, int index, String member) {
    if (value instanceof Map<?, ?> map) {
      return map;
    }
    throw new IllegalArgumentException(path(field, index, member) + " must be an object");
  }

  /** A list of strings (empty for null), or null when {@code value} is not one. */
  private static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      return null;
    }
    for (Object item : list) {
      if (!(item instanceof String)) {
        return null;
      }
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) list;
    return strings; // OutputTag copies it
  }

  /** An int-sized integral number of any numeric type (40, 40L, 40.0). */
  private static int integer(Object value, String path) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof Number n && !(value instanceof Double d && !Double.isFinite(d))
        && !(value instanceof Float f && !Float.isFinite(f))) {
      try {
        return new BigDecimal(n.toString()).intValueExact();
      } catch (NumberFormatException | ArithmeticException notAnInt) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException(path + " must be an integer");
  }

  private static String resolveDefaultTag(String defaultTag, List<OutputTag> tags) {
    if (defaultTag == null || defaultTag.isBlank()) {
      return null;
    }
    for (OutputTag tag : tags) {
      if (tag.name().equalsIgnoreCase(defaultTag.trim())) {
        return tag.name();
      }
    }
    throw new IllegalArgumentException("default_tag must name a declared output tag: \"" + defaultTag + "\" is not one of "
        + tags.stream().map(OutputTag::name).toList());
  }

  private static void checkUnique(List<OutputTag> tags, List<ToolSpec> tools) {
    Map<String, String> seen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < tags.size(); i++) {
      String tagName = tags.get(i).name();
      if (tagName.equalsIgnoreCase("tool_call")) {
        throw new IllegalArgumentException("output_tags[" + i + "].name tool_call is reserved for tool calls");
      }
      String before = seen.put(tagName, tagName);
      if (before != null) {
        throw new IllegalArgumentException("output_tags[" + i + "].name \"" + tagName + "\" is declared twice");
      }
    }
    seen.clear();
    for (int i = 0; i < tools.size(); i++) {
      if (seen.put(tools.get(i).name(), "") != null) {
        throw new IllegalArgumentException("tools[" + i + "].name \"" + tools.get(i).name() + "\" is declared twice");
      }
    }
  }

  /**
   * Builds an {@link AgentSpec}. Not thread-safe. Known character fields are checked as they are
   * set; the output contract as a whole by {@link #build()}.
   */
  public static final class Builder {
    private String name;
    private final Map<String, Object> fields;
    private List<OutputTag> outputTags = List.of();
    private String defaultTag;
    private List<ToolSpec> tools = List.of();
    private LlmSettings llm = LlmSettings.NONE;
    private int historyLimit = DEFAULT_HISTORY_LIMIT;
    private String instructions;

    Builder() {
      this(16);
    }

    Builder(int expectedFields) {
      fields = new LinkedHashMap<>(expectedFields * 4 / 3 + 1);
    }

    Builder(AgentSpec spec) {
      this(spec.fields.size() + 4);
      name = spec.name;
      fields.putAll(spec.fields);
      outputTags = spec.outputTags;
      defaultTag = spec.defaultTag;
      tools = spec.tools;
      llm = spec.llm;
      historyLimit = spec.historyLimit;
      instructions = spec.instructions;
    }

    /** Sets the name, a non-blank string; it is also the {@code name} character field. */
    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must be a non-blank string");
      }
      this.name = name;
      fields.put("name", name);
      return this;
    }

    /**
     * Sets a character field (a known one, checked for its type, or any other), keeping the order
     * in which fields were first set. A null known field is removed. The value is deeply copied.
     *
     * @throws IllegalArgumentException for an output contract key ({@code output_tags}, ...; use
     *     its own setter) or a wrong type
     */
    public Builder field(String key, Object value) {
      Objects.requireNonNull(key, "key == null");
      key = CAMEL_CASE_KEYS.getOrDefault(key, key);
      if (key.equals("name")) {
        if (!(value instanceof String s)) {
          throw new IllegalArgumentException("name must be a non-blank string");
        }
        return name(s);
      }
      Kind kind = KNOWN_FIELDS.get(key);
      if (kind == Kind.CONTRACT) {
        throw new IllegalArgumentException(key + " is not a character field; set it with its own builder method");
      }
      if (kind != null && value == null) {
        fields.remove(key);
        return this;
      }
      if (kind == Kind.TEXT && !(value instanceof String)) {
        throw new IllegalArgumentException(key + " must be a string");
      }
      if (kind == Kind.LIST_OR_TEXT && !(value instanceof List || value instanceof String)) {
        throw new IllegalArgumentException(key + " must be a list or a string");
      }
      if (kind == Kind.OBJECT && !(value instanceof Map)) {
        throw new IllegalArgumentException(key + " must be an object");
      }
      fields.put(key, JsonTree.copy(value, key));
      return this;
    }

    /** The tags the model may answer in; empty means {@link OutputTag#defaults()}. */
    public Builder outputTags(List<OutputTag> outputTags) {
      this.outputTags = List.copyOf(outputTags);
      return this;
    }

    /** The implicit tag for text outside every tag (must name a declared tag), or null for none. */
    public Builder defaultTag(String defaultTag) {
      this.defaultTag = defaultTag;
      return this;
    }

    public Builder tools(List<ToolSpec> tools) {
      this.tools = List.copyOf(tools);
      return this;
    }

    public Builder llm(LlmSettings llm) {
      this.llm = Objects.requireNonNull(llm, "llm == null");
      return this;
    }

    public Builder historyLimit(int historyLimit) {
      if (historyLimit < 0) {
        throw new IllegalArgumentException("history_limit must be >= 0: " + historyLimit);
      }
      this.historyLimit = historyLimit;
      return this;
    }

    public Builder instructions(String instructions) {
      this.instructions = instructions;
      return this;
    }

    /**
     * @throws IllegalArgumentException when {@code default_tag} names no declared tag, a tag or
     *     tool name is declared twice, or a tag is named {@code tool_call}
     */
    public AgentSpec build() {
      if (name == null) {
        throw new IllegalArgumentException("name must be a non-blank string");
      }
      return new AgentSpec(this, false);
    }
  }

}
