package dev.gameagent.core.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gameagent.core.OutputTag;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of the protocol's tag grammar and per edge case. Each {@code assertParses}
 * also runs its input in every two-way split and one character at a time, and checks after every
 * prefix that only permitted text is held back; {@code feeds} traces show what each feed released
 * ({@code |} ends a feed).
 */
class TagParserTest {

  static final List<OutputTag> TAGS = List.of(
      OutputTag.text("speech", "Words spoken aloud"),
      new OutputTag("emotion", "", List.of("neutral", "Happy", "sad", "angry"), Map.of(), false),
      new OutputTag("action", "", List.of(), Map.of("name", List.of("wave", "draw_sword", "open_gate")), true),
      new OutputTag("say", "", List.of(), Map.of("to", List.of("player", "Guard")), false));

  private final ParserHarness parser = new ParserHarness(TAGS, null, List.of(), "t-3");
  private final ParserHarness withTools = parser.withTools(List.of("check_inventory", "Open_Door"));

  // ---- structure ----

  @Test
  void speechTag() {
    parser.assertParses("<speech>Halt! Who goes there?</speech>",
        "<speech#0> \"Halt! Who goes there?\" </speech#0>");
  }

  @Test
  void tagSplitAtEveryPosition() {
    parser.assertParses("<speech>Hi</speech>", "<speech#0> \"Hi\" </speech#0>");
    assertThat(parser.feeds("<spe", "ech>", "Hi</spe", "ech>"))
        .isEqualTo("| <speech#0> | \"Hi\" | </speech#0> |");
  }

  @Test
  void textIsReleasedByTheFeedThatDeliveredIt() {
    assertThat(parser.feeds("<speech>Halt", "! Who", " goes", " there?", "</speech>"))
        .isEqualTo("<speech#0> \"Halt\" | \"! Who\" | \" goes\" | \" there?\" | </speech#0> |");
  }

  @Test
  void proseBeforeAndAfterTagsIsDropped() {
    parser.assertParses("Sure! Here is my answer:\n<speech>Hello.</speech>\nHope that helps.",
        "<speech#0> \"Hello.\" </speech#0>");
  }

  @Test
  void markdownFencesAreDropped() {
    parser.assertParses("```xml\n<speech>Hello.</speech>\n<emotion>happy</emotion>\n```",
        "<speech#0> \"Hello.\" </speech#0> <emotion#1> \"Happy\" </emotion#1>");
  }

  @Test
  void upperCaseNamesAreReportedInDeclaredSpelling() {
    parser.assertParses("<SPEECH>Hi</Speech><EMOTION>HAPPY</eMoTiOn><Action NAME=\"Wave\"/>",
        "<speech#0> \"Hi\" </speech#0> <emotion#1> \"Happy\" </emotion#1> <action#2 name=\"wave\"> </action#2>");
  }

  @Test
  void nestedStructuralOpenClosesThePreviousTag() {
    parser.assertParses("<speech>Hello <emotion>happy</emotion> there</speech>",
        "<speech#0> \"Hello\" </speech#0> <emotion#1> \"Happy\" </emotion#1>");
  }

  @Test
  void sameTagReopened() {
    parser.assertParses("<speech>One.<speech>Two.</speech>",
        "<speech#0> \"One.\" </speech#0> <speech#1> \"Two.\" </speech#1>");
  }

  @Test
  void closingTagWithNoOpenIsDropped() {
    parser.assertParses("</speech><speech>Hi</emotion> there</speech></speech>",
        "<speech#0> \"Hi there\" </speech#0>");
  }

  @Test
  void closingTagMayHaveWhitespaceBeforeItsBracket() {
    parser.assertParses("<speech>Hi</speech \n>", "<speech#0> \"Hi\" </speech#0>");
  }

  @Test
  void closingTagWithOtherContentIsText() {
    parser.assertParses("<speech>Hi</speech x> there</speech>", "<speech#0> \"Hi</speech x> there\" </speech#0>");
  }

  @Test
  void tagOpenAtEndOfStreamIsIncomplete() {
    parser.assertParses("<speech>Hello the", "<speech#0> \"Hello the\" </speech#0 cut>");
  }

  // ---- what is text ----

  @Test
  void heartIsText() {
    parser.assertParses("<speech>I <3 you</speech>", "<speech#0> \"I <3 you\" </speech#0>");
    assertThat(parser.feeds("<speech>I <", "3 you</speech>"))
        .isEqualTo("<speech#0> \"I\" | \" <3 you\" </speech#0> |");
  }

  @Test
  void lessThanBetweenNumbersIsText() {
    parser.assertParses("<speech>5 < 6 and 7<8</speech>", "<speech#0> \"5 < 6 and 7<8\" </speech#0>");
  }

  @Test
  void undeclaredMarkupInsideSpeechIsText() {
    parser.assertParses("<speech>I <b>really</b> mean it.<br/></speech>",
        "<speech#0> \"I <b>really</b> mean it.<br/>\" </speech#0>");
  }

  @Test
  void misspelledClosingTagIsText() {
    parser.assertParses("<speech>Hi</speach> there</speech>", "<speech#0> \"Hi</speach> there\" </speech#0>");
  }

  @Test
  void longerNameThanDeclaredIsText() {
    parser.assertParses("<speech>a <speechless> b <speech-x> c <speech2/></speech>",
        "<speech#0> \"a <speechless> b <speech-x> c <speech2/>\" </speech#0>");
  }

  @Test
  void namesSharingALetterOrAPrefixAreToldApart() {
    // "say" and "speech" share their first letter, "act" is a prefix of "action": both are matched
    // character by character, while "emotion", the only name starting with its letter, is matched whole
    ParserHarness shared = new ParserHarness(List.of(OutputTag.text("act", ""), OutputTag.text("action", ""),
        OutputTag.text("say", ""), OutputTag.text("speech", ""), OutputTag.text("emotion", "")), null, List.of(), "t-1");
    shared.assertParses("<act>a</act><ACTION>b</action><actions>c<say>d</say><sp>e<speech>f<emotio>g<emotion>h</emotion>",
        "<act#0> \"a\" </act#0> <action#1> \"b\" </action#1> <say#2> \"d\" </say#2> <speech#3> \"f<emotio>g\" </speech#3>"
            + " <emotion#4> \"h\" </emotion#4>");
  }

  @Test
  void quotesAndAmpersandsInTextAreLiteral() {
    parser.assertParses("<speech>He said \"hi\" & 'bye' = > </speech>",
        "<speech#0> \"He said \\\"hi\\\" & 'bye' = >\" </speech#0>");
  }

  @Test
  void undeclaredToolCallIsText() {
    parser.assertParses("<speech><tool_call name=\"x\">{}</tool_call></speech>",
        "<speech#0> \"<tool_call name=\\\"x\\\">{}</tool_call>\" </speech#0>");
  }

  // ---- entities ----

  @Test
  void entitiesAreDecodedInText() {
    parser.assertParses("<speech>a &lt;b&gt; &amp; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#X43; &#x1F600;</speech>",
        "<speech#0> \"a <b> & \\\"q\\\" 's' ABC \uD83D\uDE00\" </speech#0>");
  }

  @Test
  void decodedMarkupIsNotParsed() {
    parser.assertParses("<speech>&lt;emotion>happy&lt;/emotion></speech>",
        "<speech#0> \"<emotion>happy</emotion>\" </speech#0>");
  }

  @Test
  void entitySplitAcrossChunks() {
    parser.assertParses("<speech>Tom &amp; Jerry</speech>", "<speech#0> \"Tom & Jerry\" </speech#0>");
    assertThat(parser.feeds("<speech>Tom &am", "p; Jerry</speech>"))
        .isEqualTo("<speech#0> \"Tom\" | \" & Jerry\" </speech#0> |");
    assertThat(parser.feeds("<speech>x&#x1", "F60", "0;y</speech>"))
        .isEqualTo("<speech#0> \"x\" | | \"\uD83D\uDE00y\" </speech#0> |");
  }

  @Test
  void unknownEntitiesAndBareAmpersandsStayLiteral() {
    parser.assertParses("<speech>&nbsp; &foo; &ampx &amp &#; &#x; &#xZ; &#0; &#xD800; &#1114112; a & b &&lt;</speech>",
        "<speech#0> \"&nbsp; &foo; &ampx &amp &#; &#x; &#xZ; &#0; &#xD800; &#1114112; a & b &<\" </speech#0>");
  }

  @Test
  void entityThatCannotContinueIsReleasedAtOnce() {
    assertThat(parser.feeds("<speech>Q&A", " time</speech>"))
        .isEqualTo("<speech#0> \"Q&A\" | \" time\" </speech#0> |");
  }

  // ---- attributes ----

  @Test
  void greaterThanInsideQuotedAttribute() {
    parser.assertParses("<speech to=\"a>b\" note='c>d'>Hi</speech>",
        "<speech#0 to=\"a>b\" note=\"c>d\"> \"Hi\" </speech#0>");
  }

  @Test
  void singleQuotedAndUnquotedAttributes() {
    parser.assertParses("<action name='wave'/><action name=draw_sword/><action name=open_gate />",
        "<action#0 name=\"wave\"> </action#0> <action#1 name=\"draw_sword\"> </action#1>"
            + " <action#2 name=\"open_gate\"> </action#2>");
    parser.assertParses("<speech to=guard mood='very \"calm\"' flag>Hi</speech>",
        "<speech#0 to=\"guard\" mood=\"very \\\"calm\\\"\" flag=\"\"> \"Hi\" </speech#0>");
  }

  @Test
  void attributesWithSpacingOrNoSeparator() {
    parser.assertParses("<action name = \"wave\" /><action\tNAME=\"Wave\"\n/><speech to=\"a\"note='b'>Hi</speech>",
        "<action#0 name=\"wave\"> </action#0> <action#1 name=\"wave\"> </action#1>"
            + " <speech#2 to=\"a\" note=\"b\"> \"Hi\" </speech#2>");
    parser.assertParses("<speech>a <action name=\"wave\"/ > b</speech>",
        "<speech#0> \"a\" </speech#0> <action#1 name=\"wave\"> </action#1>");
  }

  @Test
  void attributeNamesMayHoldEveryNameCharacter() {
    parser.assertParses("<speech x.y=\"1\" a-b:c_d='2' _e9=3>Hi</speech>",
        "<speech#0 x.y=\"1\" a-b:c_d=\"2\" _e9=\"3\"> \"Hi\" </speech#0>");
  }

  @Test
  void attributeValuesDecodeEntities() {
    parser.assertParses("<speech to=\"Tom &amp; Jerry &lt;3\" x=a&quot;b y='&#65;&bogus;'>Hi</speech>",
        "<speech#0 to=\"Tom & Jerry <3\" x=\"a\\\"b\" y=\"A&bogus;\"> \"Hi\" </speech#0>");
  }

  @Test
  void attributeValuesKeepLineBreaksNormalized() {
    parser.assertParses("<speech note=\"a\r\nb\">Hi</speech>", "<speech#0 note=\"a\\nb\"> \"Hi\" </speech#0>");
  }

  @Test
  void repeatedAttributeKeepsTheFirst() {
    parser.assertParses("<speech to=a TO=b>Hi</speech>", "<speech#0 to=\"a\"> \"Hi\" </speech#0>");
  }

  @Test
  void tagIsHeldUntilItsBracket() {
    assertThat(parser.feeds("Hi <action name=\"wa", "ve\"", "/>"))
        .isEqualTo("| | <action#0 name=\"wave\"> </action#0> |");
  }

  // ---- self-closing and empty tags ----

  @Test
  void selfClosingTags() {
    parser.assertParses("<action name=\"wave\"/><speech/><speech />",
        "<action#0 name=\"wave\"> </action#0> <speech#1> </speech#1> <speech#2> </speech#2>");
  }

  @Test
  void tagDeclaredSelfClosingClosesAtItsOpen() {
    parser.assertParses("<action name=\"wave\">waves</action><speech>Hi</speech>",
        "<action#0 name=\"wave\"> </action#0> <speech#1> \"Hi\" </speech#1>");
  }

  @Test
  void emptyAndWhitespaceOnlyTagsHaveNoChunk() {
    parser.assertParses("<speech></speech><speech> \n\t </speech>",
        "<speech#0> </speech#0> <speech#1> </speech#1>");
  }

  // ---- whitespace and line ends ----

  @Test
  void contentIsTrimmedAndInnerWhitespaceKept() {
    parser.assertParses("<speech>  \n Hello   big \t world \n </speech>",
        "<speech#0> \"Hello   big \\t world\" </speech#0>");
  }

  @Test
  void whitespaceRunIsHeldUntilTextFollows() {
    assertThat(parser.feeds("<speech>  Hello  ", "world  ", "  ", "</speech>"))
        .isEqualTo("<speech#0> \"Hello\" | \"  world\" | | </speech#0> |");
  }

  @Test
  void crlfBecomesLf() {
    parser.assertParses("<speech>Line one\r\nLine two\rthree\n\rfour</speech>\r\n",
        "<speech#0> \"Line one\\nLine two\\nthree\\n\\nfour\" </speech#0>");
    assertThat(parser.feeds("<speech>a\r", "\nb</speech>")).isEqualTo("<speech#0> \"a\" | \"\\nb\" </speech#0> |");
  }

  // ---- surrogates ----

  @Test
  void emojiSplitAcrossChunks() {
    String grin = "\uD83D\uDE00";
    parser.assertParses("<speech>Hi " + grin + grin + " there</speech>",
        "<speech#0> \"Hi " + grin + grin + " there\" </speech#0>");
    assertThat(parser.feeds("<speech>Hi \uD83D", "\uDE00 there", "</speech>"))
        .isEqualTo("<speech#0> \"Hi\" | \" " + grin + " there\" | </speech#0> |");
  }

  @Test
  void unpairedSurrogatesBecomeReplacementCharacters() {
    parser.assertParses("<speech>a\uD83Db\uDE00c\uD83D</speech>", "<speech#0> \"a\uFFFDb\uFFFDc\uFFFD\" </speech#0>");
    parser.assertParses("<speech>end\uD83D", "<speech#0> \"end\uFFFD\" </speech#0 cut>");
  }

  // ---- end of stream ----

  @Test
  void heldTextIsFlushedAtEndOfStream() {
    parser.assertParses("<speech>Hello <", "<speech#0> \"Hello <\" </speech#0 cut>");
    parser.assertParses("<speech>Fish &am", "<speech#0> \"Fish &am\" </speech#0 cut>");
    parser.assertParses("<speech>Hi </spe", "<speech#0> \"Hi </spe\" </speech#0 cut>");
    parser.assertParses("<speech>Hi <action name=\"wa", "<speech#0> \"Hi <action name=\\\"wa\" </speech#0 cut>");
  }

  @Test
  void tagCutOffBeforeASurrogatesPairIsFlushedWithItsWhitespace() {
    parser.assertParses("<speech>Hi <say \n \uD83D", "<speech#0> \"Hi <say \\n \uFFFD\" </speech#0 cut>");
  }

  @Test
  void streamEndingInHeldMarkupReleasesItOnlyAtFinish() {
    assertThat(parser.feeds("<speech>Hello <")).isEqualTo("<speech#0> \"Hello\" | \" <\" </speech#0 cut>");
    assertThat(parser.feeds("<speech>Fish &am")).isEqualTo("<speech#0> \"Fish\" | \" &am\" </speech#0 cut>");
  }

  // ---- default tag ----

  @Test
  void defaultTagWrapsOutsideText() {
    ParserHarness speaking = parser.withDefaultTag("speech");
    speaking.assertParses("Well met. <emotion>happy</emotion> \n How are you?",
        "<speech#0> \"Well met.\" </speech#0> <emotion#1> \"Happy\" </emotion#1> <speech#2> \"How are you?\" </speech#2 cut>");
    speaking.assertParses("<emotion>sad</emotion>  \n\t ", "<emotion#0> \"sad\" </emotion#0>");
    speaking.assertParses("Hi</speech> there", "<speech#0> \"Hi\" </speech#0> <speech#1> \"there\" </speech#1 cut>");
  }

  @Test
  void defaultTagTakesTheDeclaredSpellingOrStandsAlone() {
    parser.withDefaultTag("SPEECH").assertParses("Hi", "<speech#0> \"Hi\" </speech#0 cut>");
    parser.withDefaultTag("narration").assertParses("It rains.<speech>Hi</speech>",
        "<narration#0> \"It rains.\" </narration#0> <speech#1> \"Hi\" </speech#1>");
  }

  @Test
  void defaultTagKeepsMarkdownFencesAsText() {
    parser.withDefaultTag("speech").assertParses("```\n<speech>Hi</speech>\n```",
        "<speech#0> \"```\" </speech#0> <speech#1> \"Hi\" </speech#1> <speech#2> \"```\" </speech#2 cut>");
  }

  @Test
  void defaultTagOpensForHeldTextAtFinish() {
    assertThat(parser.withDefaultTag("speech").feeds("<emotion>sad</emotion> <"))
        .isEqualTo("<emotion#0> \"sad\" </emotion#0> | <speech#1> \"<\" </speech#1 cut>");
  }

  // ---- declared constraints ----

  @Test
  void attributeOutsideDeclaredListRejectsTheTag() {
    parser.assertParses("<action name=\"fly\"/><action/><speech>Hi</speech><action name=\" WAVE \"/>",
        "!action:attribute_not_allowed !action:attribute_not_allowed <speech#0> \"Hi\" </speech#0>"
            + " <action#1 name=\"wave\"> </action#1>");
  }

  @Test
  void rejectedTagSwallowsItsContent() {
    parser.assertParses("<say to=\"king\">Bow!</say><say To=\"guard\">Halt.</say>",
        "!say:attribute_not_allowed <say#0 to=\"Guard\"> \"Halt.\" </say#0>");
    parser.withDefaultTag("speech").assertParses("<say to=king>Bow!<emotion>sad</emotion>",
        "!say:attribute_not_allowed <emotion#0> \"sad\" </emotion#0>");
  }

  @Test
  void valuesTagIsSentWholeAtClose() {
    parser.assertParses("<emotion> hAPPy </emotion>", "<emotion#0> \"Happy\" </emotion#0>");
    assertThat(parser.feeds("<emotion>hap", "py<", "/emotion>"))
        .isEqualTo("| | <emotion#0> \"Happy\" </emotion#0> |");
  }

  @Test
  void valueOutsideDeclaredListIsRejected() {
    parser.assertParses("<emotion>furious</emotion><emotion></emotion><speech>Grr</speech>",
        "!emotion:value_not_allowed !emotion:value_not_allowed <speech#0> \"Grr\" </speech#0>");
  }

  @Test
  void valuesTagClosedByNextOpenIsComplete() {
    parser.assertParses("<emotion>sad<speech>Oh.</speech>",
        "<emotion#0> \"sad\" </emotion#0> <speech#1> \"Oh.\" </speech#1>");
  }

  @Test
  void valuesTagCutOffIsRejectedIncomplete() {
    parser.assertParses("<speech>Hi</speech><emotion>happy", "<speech#0> \"Hi\" </speech#0> !emotion:incomplete");
  }

  @Test
  void rejectionsAreListedInOrder() {
    TraceListener trace = new TraceListener();
    TagParser p = parser.parser(trace);
    p.feed("<action name=fly/><emotion>meh</emotion><say>x</say><emotion>sad");
    p.finish();
    assertThat(p.rejections()).containsExactly(
        new TagRejection("action", TagRejection.ATTRIBUTE_NOT_ALLOWED),
        new TagRejection("emotion", TagRejection.VALUE_NOT_ALLOWED),
        new TagRejection("say", TagRejection.ATTRIBUTE_NOT_ALLOWED),
        new TagRejection("emotion", TagRejection.INCOMPLETE));
  }

  // ---- tool calls ----

  @Test
  void toolCallIsSentWholeWithAssignedCallId() {
    withTools.assertParses("<speech>Let me look.</speech><tool_call name=\"check_inventory\">\n{\"item\": \"spear\"}\n</tool_call>",
        "<speech#0> \"Let me look.\" </speech#0>"
            + " <tool_call#1 name=\"check_inventory\" call_id=\"t-3.c1\"> \"{\\\"item\\\": \\\"spear\\\"}\" </tool_call#1>");
    assertThat(withTools.feeds("<tool_call name=check_inventory>{\"item\":", " 1}", "</tool_call>"))
        .isEqualTo("| | <tool_call#0 name=\"check_inventory\" call_id=\"t-3.c1\"> \"{\\\"item\\\": 1}\" </tool_call#0> |");
  }

  @Test
  void toolNameIsMatchedIgnoringCaseAndReportedAsDeclared() {
    withTools.assertParses("<TOOL_CALL Name=' open_door ' extra=1>{\"door\":\"north &amp; east\"}</Tool_Call>",
        "<tool_call#0 name=\"Open_Door\" call_id=\"t-3.c1\"> \"{\\\"door\\\":\\\"north & east\\\"}\" </tool_call#0>");
  }

  @Test
  void unknownToolIsRejected() {
    withTools.assertParses("<tool_call name=\"fly\">{}</tool_call><tool_call>{}</tool_call><speech>Hm.</speech>",
        "!tool_call:unknown_tool !tool_call:unknown_tool <speech#0> \"Hm.\" </speech#0>");
  }

  @Test
  void toolCallWithBadArgumentsIsRejected() {
    withTools.assertParses("<tool_call name=check_inventory>{item: spear}</tool_call>"
            + "<tool_call name=check_inventory>[1]</tool_call>"
            + "<tool_call name=check_inventory></tool_call>"
            + "<tool_call name=check_inventory>{\"a\":1} {}</tool_call>",
        "!tool_call:invalid_arguments !tool_call:invalid_arguments !tool_call:invalid_arguments"
            + " !tool_call:invalid_arguments");
  }

  @Test
  void callIdsNumberSentCallsOnly() {
    withTools.assertParses("<tool_call name=check_inventory>{}</tool_call>"
            + "<tool_call name=check_inventory>nope</tool_call>"
            + "<tool_call name=open_door>{\"a\":[1,2.5e3,true,null,\"\\u00e9\"]}</tool_call>",
        "<tool_call#0 name=\"check_inventory\" call_id=\"t-3.c1\"> \"{}\" </tool_call#0>"
            + " !tool_call:invalid_arguments"
            + " <tool_call#1 name=\"Open_Door\" call_id=\"t-3.c2\"> \"{\\\"a\\\":[1,2.5e3,true,null,\\\"\\\\u00e9\\\"]}\" </tool_call#1>");
  }

  @Test
  void toolCallCutOffIsRejectedIncomplete() {
    withTools.assertParses("<tool_call name=check_inventory>{\"item\": \"sp", "!tool_call:incomplete");
  }

  @Test
  void callIdWithoutPrefix() {
    TraceListener trace = new TraceListener();
    TagParser p = TagParser.builder().tags(List.of()).tools(List.of("t")).listener(trace).build();
    p.feed("<tool_call name=t>{}</tool_call>");
    p.finish();
    assertThat(TraceListener.render(trace.events())).isEqualTo("<tool_call#0 name=\"t\" call_id=\"c1\"> \"{}\" </tool_call#0>");
  }

  // ---- hold limits ----

  @Test
  void entityNameHeldForAtMost64Units() {
    String name64 = "#" + "0".repeat(61) + "65";
    parser.assertParses("<speech>x &" + name64 + ";</speech>", "<speech#0> \"x A\" </speech#0>");
    String name65 = "#" + "0".repeat(62) + "65";
    parser.assertParses("<speech>x &" + name65 + ";</speech>", "<speech#0> \"x &" + name65 + ";\" </speech#0>");
    assertThat(parser.feeds("<speech>x &" + name64, ";"))
        .isEqualTo("<speech#0> \"x\" | \" A\" | </speech#0 cut>");
    assertThat(parser.feeds("<speech>x &" + name64, "0"))
        .isEqualTo("<speech#0> \"x\" | \" &" + name64 + "0\" | </speech#0 cut>");
  }

  @Test
  void tagNameHeldForAtMost64Units() {
    String name64 = "n".repeat(64);
    String name65 = "m".repeat(65);
    ParserHarness longNames = new ParserHarness(
        List.of(OutputTag.text("speech", ""), OutputTag.text(name64, ""), OutputTag.text(name65, "")), null, List.of(), "t");
    longNames.assertParses("<" + name64 + ">a</" + name64 + ">", "<" + name64 + "#0> \"a\" </" + name64 + "#0>");
    longNames.assertParses("<speech><" + name65 + ">a</speech>", "<speech#0> \"<" + name65 + ">a\" </speech#0>");
    assertThat(longNames.feeds("<speech>x <" + name65.substring(1), "m"))
        .isEqualTo("<speech#0> \"x\" | \" <" + name65 + "\" | </speech#0 cut>");
  }

  @Test
  void tagHeldForAtMost1KiB() {
    String open1024 = "<speech note=\"" + "a".repeat(1024 - 16) + "\">";
    assertThat(open1024).hasSize(1024);
    parser.assertParses("<speech>Look: " + open1024 + "Hi</speech>",
        "<speech#0> \"Look:\" </speech#0> <speech#1 note=\"" + "a".repeat(1008) + "\"> \"Hi\" </speech#1>");
    String open1025 = "<speech note=\"" + "a".repeat(1025 - 16) + "\">";
    parser.assertParses("<speech>Look: " + open1025 + "Hi</speech>",
        "<speech#0> \"Look: " + open1025.replace("\"", "\\\"") + "Hi\" </speech#0>");
    String held = open1025.substring(0, 1024);
    assertThat(parser.feeds("<speech>Look: " + held, "\">Hi"))
        .isEqualTo("<speech#0> \"Look:\" | \" " + held.replace("\"", "\\\"") + "\\\">Hi\" | </speech#0 cut>");
  }

  /** A closing tag is held no longer than an open one: its whitespace may not carry it past 1 KiB. */
  @Test
  void closingTagHeldForAtMost1KiB() {
    String close1024 = "</speech" + " ".repeat(1024 - 9) + ">";
    assertThat(close1024).hasSize(1024);
    parser.assertParses("<speech>Hi" + close1024 + "x", "<speech#0> \"Hi\" </speech#0>");
    String close1025 = "</speech" + " ".repeat(1025 - 9) + ">";
    parser.assertParses("<speech>Hi" + close1025 + "x</speech>", "<speech#0> \"Hi" + close1025 + "x\" </speech#0>");
  }

  @Test
  void chunksLongerThanTheReadSliceParseAsIfSplit() {
    String[] snippets = {
      "<speech note=\"a\r\nb &amp; c\">Hi \uD83D\uDE00\r\n</speech>",
      "</speech><action name=wave/>&#x1F600;<emotion>sad</emotion>",
      "<speech>x &am",
      "<speech>\uD83D",
    };
    for (String snippet : snippets) {
      for (int offset = -40; offset <= 4; offset++) {
        String input = "<speech>" + "y".repeat(4096 - 8 + offset) + snippet;
        List<String> chars = new java.util.ArrayList<>();
        for (int i = 0; i < input.length(); i++) {
          chars.add(input.substring(i, i + 1));
        }
        assertThat(TraceListener.render(TraceListener.merged(parser.run(List.of(input)))))
            .as("offset %d of %s", offset, snippet)
            .isEqualTo(TraceListener.render(TraceListener.merged(parser.run(chars))));
      }
    }
  }

  // ---- API ----

  @Test
  void feedAfterFinishFailsAndFinishIsIdempotent() {
    TraceListener trace = new TraceListener();
    TagParser p = parser.parser(trace);
    p.feed("<speech>Hi");
    p.finish();
    p.finish();
    assertThat(TraceListener.render(trace.events())).isEqualTo("<speech#0> \"Hi\" </speech#0 cut>");
    assertThatThrownBy(() -> p.feed("more")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builderRequiresTagsAndListener() {
    assertThatThrownBy(() -> TagParser.builder().listener(new TraceListener()).build())
        .isInstanceOf(NullPointerException.class).hasMessage("tags == null");
    assertThatThrownBy(() -> TagParser.builder().tags(List.of()).build())
        .isInstanceOf(NullPointerException.class).hasMessage("listener == null");
  }
}
