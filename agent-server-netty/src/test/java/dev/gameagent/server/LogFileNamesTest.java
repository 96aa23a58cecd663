package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LogFileNamesTest {

  @Test
  void similarIdsNeverShareAName() {
    assertThat(LogFileNames.forId("a/b")).isNotEqualTo(LogFileNames.forId("a_b"));
    assertThat(LogFileNames.forId("a/b")).startsWith("a_b-");
    assertThat(LogFileNames.forId("brom")).matches("brom-[0-9a-f]{8}");
  }

  @Test
  void namesAreSafeFileNames() {
    for (String id : new String[] {"..", ".", "../../x", "/etc/passwd", "C:\\x", "a\u0000b", "ünï", "x".repeat(500)}) {
      String name = LogFileNames.forId(id);
      assertThat(name).matches("[A-Za-z0-9_-]{1,48}-[0-9a-f]{8}");
      Path root = Path.of("/tmp/logs");
      Path resolved = LogFileNames.resolveInside(root, name);
      assertThat(resolved.startsWith(root)).isTrue();
      assertThat(resolved.getParent()).isEqualTo(root);
    }
  }

  @Test
  void resolveInsideRefusesEscapes() {
    assertThatThrownBy(() -> LogFileNames.resolveInside(Path.of("/tmp/logs"), "../x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogFileNames.resolveInside(Path.of("/tmp/logs"), "/etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogFileNames.resolveInside(Path.of("/tmp/logs"), "."))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
