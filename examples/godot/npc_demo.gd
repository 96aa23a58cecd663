extends Control
## Demo: talk to Brom, the town guard, through the game agent server.
##
## Attach this script to the root Control node of an empty scene, with agent_client.gd in the
## project, start the server ([code]java -jar agent-server.jar[/code]) and run the scene. Type a line
## and press Enter: Brom's answer fills his speech bubble chunk by chunk as the model writes it, his
## emotion shows under it and his actions change the world. Speaking while he talks cuts him off.

const AGENT_ID := "brom"

## The game's own world; Brom's spec is built from it before every turn, so he always knows the current state.
var world := {"time": "night", "weather": "rain", "gate": "closed"}
var brom_mood := "irritated"
var brom_inventory := ["spear", "gate key", "lantern"]

var client: AgentClient
var bubble: Label
var status: Label
var input: LineEdit
## The turn whose words are in the bubble.
var speaking_turn := ""


func _ready() -> void:
	_build_ui()
	client = AgentClient.new()
	client.url = "ws://127.0.0.1:8000/ws"
	client.state_provider = _brom_spec
	add_child(client)
	client.session_started.connect(_on_session_started)
	client.connection_closed.connect(_on_connection_closed)
	client.tag_opened.connect(_on_tag_opened)
	client.tag_chunk.connect(_on_tag_chunk)
	client.tag_closed.connect(_on_tag_closed)
	client.turn_interrupted.connect(_on_turn_interrupted)
	client.turn_finished.connect(_on_turn_finished)
	client.error_received.connect(_on_error_received)
	client.tool_calls_requested.connect(_on_tool_calls_requested)
	client.reconnecting.connect(_on_reconnecting)
	status.text = "Connecting to %s ..." % client.url
	client.connect_to_server()


## Brom's spec from the world as it is now.
func _brom_spec(_agent_id: String) -> Dictionary:
	return {
		"name": "Brom",
		"role": "town guard",
		"description": "A tired veteran who guards the north gate.",
		"personality": ["gruff", "honest"],
		"goals": ["keep strangers out after dark"],
		"mood": brom_mood,
		"location": "north gate",
		"world_state": world,
		"inventory": brom_inventory,
		"instructions": "Keep answers under three sentences.",
		"output_tags": [
			{"name": "speech", "description": "Words spoken aloud"},
			{"name": "emotion", "description": "Current emotion", "values": ["neutral", "angry", "happy", "suspicious"]},
			{"name": "action", "description": "A body action", "self_closing": true,
				"attributes": {"name": ["wave", "draw_sword", "open_gate", "close_gate"]}},
		],
		"tools": [
			{"name": "check_inventory", "description": "Look for an item in Brom's pack",
				"parameters": {"type": "object", "properties": {"item": {"type": "string"}}}},
		],
	}


func _on_player_submitted(text: String) -> void:
	if text.strip_edges() == "":
		return
	input.clear()
	client.say(AGENT_ID, text.strip_edges())


func _on_session_started(session_id: String, resumed: bool) -> void:
	status.text = "Connected (session %s%s). Say something to Brom." % [session_id.left(8), ", resumed" if resumed else ""]


func _on_connection_closed(code: int, reason: String) -> void:
	# The client reconnects by itself (auto_reconnect), resuming the session.
	status.text = "Disconnected (%d %s). Is the server running?" % [code, reason]


func _on_tag_opened(agent_id: String, turn_id: String, _index: int, tag: String, attributes: Dictionary) -> void:
	if agent_id != AGENT_ID:
		return
	if tag == "speech":
		# A new answer replaces the bubble's text.
		speaking_turn = turn_id
		bubble.text = ""
	elif tag == "action":
		# Self-closing: the attributes say everything.
		_perform(str(attributes.get("name", "")))


func _on_tag_chunk(agent_id: String, turn_id: String, _index: int, tag: String, text: String) -> void:
	if agent_id == AGENT_ID and tag == "speech" and turn_id == speaking_turn:
		bubble.text += text


func _on_tag_closed(agent_id: String, _turn_id: String, _index: int, tag: String, content: String, _complete: bool) -> void:
	if agent_id != AGENT_ID:
		return
	if tag == "emotion":
		brom_mood = content
		status.text = "Brom looks %s." % content


## Plays one of Brom's actions; the world changes, and his next spec says so.
func _perform(action: String) -> void:
	match action:
		"open_gate":
			world["gate"] = "open"
			status.text = "*Brom opens the gate.*"
		"close_gate":
			world["gate"] = "closed"
			status.text = "*Brom slams the gate shut.*"
		"draw_sword":
			status.text = "*Brom draws his sword.*"
		"wave":
			status.text = "*Brom waves.*"


func _on_turn_interrupted(agent_id: String, turn_id: String, reason: String, _by_event_id: String) -> void:
	if agent_id == AGENT_ID and turn_id == speaking_turn:
		bubble.text += " —"
		status.text = "(Brom was cut off: %s)" % reason


func _on_turn_finished(agent_id: String, _turn_id: String, finish_reason: String, details: Dictionary) -> void:
	if agent_id == AGENT_ID and finish_reason == "error":
		status.text = "Brom says nothing (%s)." % details.get("error", {}).get("code", "error")


## Brom wants to use his tools ("check inventory for the gate key"): run every call, answer them all at once.
func _on_tool_calls_requested(agent_id: String, turn_id: String, calls: Array) -> void:
	var results := []
	for tool_call in calls:
		if tool_call["name"] == "check_inventory":
			var item := str(tool_call["arguments"].get("item", ""))
			status.text = "*Brom rummages in his pack for the %s.*" % item
			results.append({"call_id": tool_call["call_id"], "name": tool_call["name"],
				"output": {"item": item, "found": item in brom_inventory}, "is_error": false})
		else:
			results.append({"call_id": tool_call["call_id"], "name": tool_call["name"],
				"output": "no such tool", "is_error": true})
	client.send_tool_results(agent_id, turn_id, results)


func _on_reconnecting(_session_id: String, attempt: int) -> void:
	status.text = "Reconnecting (attempt %d); Brom will remember you." % attempt


func _on_error_received(code: String, message: String, _details: Dictionary) -> void:
	push_warning("agent server error %s: %s" % [code, message])


func _build_ui() -> void:
	set_anchors_preset(Control.PRESET_FULL_RECT)
	var box := VBoxContainer.new()
	box.set_anchors_preset(Control.PRESET_FULL_RECT)
	box.add_theme_constant_override("separation", 12)
	add_child(box)

	var name_label := Label.new()
	name_label.text = "Brom, the town guard"
	box.add_child(name_label)

	var panel := PanelContainer.new()
	panel.custom_minimum_size = Vector2(480, 120)
	box.add_child(panel)
	bubble = Label.new()
	bubble.autowrap_mode = TextServer.AUTOWRAP_WORD_SMART
	bubble.text = "..."
	panel.add_child(bubble)

	status = Label.new()
	box.add_child(status)

	input = LineEdit.new()
	input.placeholder_text = "Say something and press Enter"
	input.text_submitted.connect(_on_player_submitted)
	box.add_child(input)
	input.grab_focus.call_deferred()
