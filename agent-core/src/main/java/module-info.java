/**
 * The game agent engine: sessions and history, the agent spec and dossier, prompts, the streaming
 * tag parser and turn orchestration. Depends on slf4j-api only.
 */
module dev.gameagent.core {
  requires org.slf4j;

  exports dev.gameagent.core;
  exports dev.gameagent.core.llm;
  exports dev.gameagent.core.parser;
}
