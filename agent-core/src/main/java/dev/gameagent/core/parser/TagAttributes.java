package dev.gameagent.core.parser;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attributes of the structural open tag being read, checked against its declaration as each
 * one ends. Declared attributes are kept under their declared name and constrained values in their
 * declared spelling (no copy of the model's text); other attributes as written. Of a repeated
 * attribute (ignoring case) the first counts. Reused from tag to tag; not thread-safe.
 */
final class TagAttributes {

  private String[] names = new String[4];
  private String[] values = new String[4];
  private int count;
  private DeclaredTag tag;
  private boolean notAllowed;
  private int required;
  /** The declared map for a tag whose one attribute so far is a constrained one, else null. */
  private Map<String, String> onlyAttribute;

  /** Starts the attributes of {@code declared}. */
  void start(DeclaredTag declared) {
    tag = declared;
    count = 0;
    notAllowed = false;
    required = 0;
    onlyAttribute = null;
  }

  /**
   * One attribute as read, its name {@code name[nameStart, nameEnd)} and its value, entities
   * decoded, {@code value[valueStart, valueEnd)}, empty when none was written.
   */
  void add(char[] name, int nameStart, int nameEnd, char[] value, int valueStart, int valueEnd) {
    int declared = tag.attribute(name, nameStart, nameEnd);
    String key = declared >= 0 ? tag.attributeName(declared) : new String(name, nameStart, nameEnd - nameStart);
    for (int i = 0; i < count; i++) {
      if (names[i].equalsIgnoreCase(key)) {
        return;
      }
    }
    String kept = null;
    if (declared >= 0 && tag.constrained(declared)) {
      int allowed = tag.allowedValueIndex(declared, value, valueStart, valueEnd);
      if (allowed < 0) {
        notAllowed = true;
      } else {
        kept = tag.attributeValue(declared, allowed);
        required++;
        if (count == 0) {
          onlyAttribute = tag.onlyAttribute(declared, allowed);
        }
      }
    }
    if (count == names.length) {
      names = Arrays.copyOf(names, count * 2);
      values = Arrays.copyOf(values, count * 2);
    }
    names[count] = key;
    values[count++] = kept != null ? kept : new String(value, valueStart, valueEnd - valueStart);
  }

  /** The value of the attribute called {@code name} ignoring case, or null. */
  String value(String name) {
    for (int i = 0; i < count; i++) {
      if (names[i].equalsIgnoreCase(name)) {
        return values[i];
      }
    }
    return null;
  }

  /**
   * The attributes to report, in source order, or null when a value is outside its declared list
   * or a constrained (so required) attribute is missing.
   */
  Map<String, String> allowed() {
    if (notAllowed || required < tag.requiredAttributes()) {
      return null;
    }
    switch (count) {
      case 0:
        return Map.of();
      case 1:
        return onlyAttribute != null ? onlyAttribute : Map.of(names[0], values[0]);
      default:
        Map<String, String> map = new LinkedHashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
          map.put(names[i], values[i]);
        }
        return Collections.unmodifiableMap(map);
    }
  }
}
