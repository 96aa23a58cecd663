package dev.gameagent.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.AgentSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The offline model names the character's location as a person would: "the north gate", "Millbrook". */
class OfflinePlaceTest {

  private static OfflineCharacter at(String location) {
    return OfflineCharacter.of(AgentSpec.fromMap(Map.of("name", "Brom", "role", "town guard", "location", location)));
  }

  private static String answer(String location, String text) {
    return new OfflineModel().answer(new OfflineTurn(at(location), text, "player", "player_said", List.of()));
  }

  @Test
  void aCommonNounGetsItsArticle() {
    assertThat(OfflineModel.place(at("north gate"))).isEqualTo("the north gate");
    assertThat(answer("north gate", "Where are we?")).contains("We're at the north gate, player.");
  }

  @Test
  void aNameOrAPhraseWithItsOwnDeterminerIsLeftAlone() {
    assertThat(OfflineModel.place(at("Millbrook"))).isEqualTo("Millbrook");
    assertThat(OfflineModel.place(at("the Prancing Pony"))).isEqualTo("the Prancing Pony");
    assertThat(OfflineModel.place(at("my farm"))).isEqualTo("my farm");
    assertThat(OfflineModel.place(at("home"))).isEqualTo("home");
    assertThat(answer("Millbrook", "Where are we?")).contains("We're at Millbrook, player.");
  }
}
