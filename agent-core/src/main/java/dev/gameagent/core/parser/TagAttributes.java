package dev.gameagent.core.parser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes of the structural open tag being read, checked against its declaration as each
 * one ends. Declared attributes are kept under their declared name and constrained values in their
 * declared spelling (no copy of the model's text); other attributes as written. Of a repeated
 * attribute (ignoring case) the first counts. Reused from tag to tag; not thread-safe.
 */
final class TagAttributes {

  private final List<String> names = new ArrayList<>(4);
  private final List<String> values = new ArrayList<>(4);
  private DeclaredTag tag;
  private boolean notAllowed;
  private int required;
  /** The declared map for a tag whose one attribute so far is a constrained one, else null. */
  private Map<String, String> onlyAttribute;

  /** Starts the attributes of {@code declared}. */
  void start(DeclaredTag declared) {
    tag = declared;
    names.clear();
    values.clear();
    notAllowed = false;
    required = 0;
    onlyAttribute = null;
  }

  /** One attribute as read, its entities decoded; {@code value} is empty when none was written. */
  void add(CharSequence name, CharSequence value) {
    int declared = tag.attribute(name);
    String key = declared >= 0 ? tag.attributeName(declared) : name.toString();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(key)) {
        return;
      }
    }
    String kept = null;
    if (declared >= 0 && tag.constrained(declared)) {
      int allowed = tag.allowedValueIndex(declared, value);
      if (allowed < 0) {
        notAllowed = true;
      } else {
        kept = tag.attributeValue(declared, allowed);
        required++;
        if (names.isEmpty()) {
          onlyAttribute = tag.onlyAttribute(declared, allowed);
        }
      }
    }
    names.add(key);
    values.add(kept != null ? kept : value.toString());
  }

  /** The value of the attribute called {@code name} ignoring case, or null. */
  String value(String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return values.get(i);
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
    switch (names.size()) {
      case 0:
        return Map.of();
      case 1:
        return onlyAttribute != null ? onlyAttribute : Map.of(names.get(0), values.get(0));
      default:
        Map<String, String> map = new LinkedHashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
          map.put(names.get(i), values.get(i));
        }
        return Collections.unmodifiableMap(map);
    }
  }
}
