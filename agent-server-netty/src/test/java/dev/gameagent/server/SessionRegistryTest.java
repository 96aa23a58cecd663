package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
  private final SessionRegistry<String, String> registry = new SessionRegistry<>();
  private final List<String> events = new ArrayList<>();
  private int opened;

  private SessionRegistry.Attached<String, String> attach(String id, String connection) {
    Function<String, String> opener = requested -> requested != null ? requested : "new-" + (++opened);
    return registry.attach(id, connection, opener, s -> s,
        (session, previous) -> events.add("takeover " + session + " from " + previous),
        session -> events.add("resume " + session + " by " + connection));
  }

  @Test
  void newSessionThenResumeAfterRelease() {
    SessionRegistry.Attached<String, String> first = attach(null, "c1");
    assertThat(first.session()).isEqualTo("new-1");
    assertThat(first.resumed()).isFalse();
    assertThat(registry.openCount()).isEqualTo(1);

    assertThat(registry.release("new-1", "c1", 0)).isTrue();
    assertThat(registry.openCount()).isZero();
    assertThat(registry.size()).isEqualTo(1);

    SessionRegistry.Attached<String, String> again = attach("new-1", "c2");
    assertThat(again.resumed()).isTrue();
    assertThat(again.previousOwner()).isNull();
    assertThat(events).containsExactly("resume new-1 by c2");
  }

  @Test
  void secondConnectionTakesOverAndTheOldOneReleasesNothing() {
    attach("s", "c1");
    SessionRegistry.Attached<String, String> second = attach("s", "c2");
    assertThat(second.previousOwner()).isEqualTo("c1");
    assertThat(events).containsExactly("takeover s from c1", "resume s by c2");
    assertThat(registry.release("s", "c1", 0)).isFalse();
    assertThat(registry.isOwner("s", "c2")).isTrue();
    assertThat(registry.owners()).containsExactly("c2");
  }

  @Test
  void unknownRequestedIdOpensANewSessionUnderThatId() {
    SessionRegistry.Attached<String, String> a = attach("chosen", "c1");
    assertThat(a.session()).isEqualTo("chosen");
    assertThat(a.resumed()).isFalse();
  }

  @Test
  void releasedSessionsExpireAfterRetention() {
    attach("old", "c1");
    attach("live", "c2");
    registry.release("old", "c1", 0);
    long retention = TimeUnit.MINUTES.toNanos(30);
    assertThat(registry.expire(retention, retention)).isZero();
    assertThat(registry.expire(retention + 1, retention)).isEqualTo(1);
    assertThat(registry.size()).isEqualTo(1);
    assertThat(registry.isOwner("live", "c2")).isTrue();
  }
}
