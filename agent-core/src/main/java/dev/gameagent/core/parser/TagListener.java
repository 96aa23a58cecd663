package dev.gameagent.core.parser;

import java.util.Map;

/**
 * Receives a {@link TagParser}'s events, on the thread that calls {@code feed}/{@code finish}.
 * Indexes count sent tags from 0 without gaps; a rejected tag takes no index.
 */
public interface TagListener {

  /** @param attributes decoded attribute values in source order; unmodifiable */
  void onOpen(int index, String tag, Map<String, String> attributes);

  /** A non-empty piece of the tag's content. */
  void onChunk(int index, String tag, String text);

  /** @param content the whole trimmed content (the chunks concatenated) */
  void onClose(int index, String tag, String content, boolean complete);

  default void onRejected(TagRejection rejection) {}
}
