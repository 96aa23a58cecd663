class_name AgentClient
extends Node
## A client of the game agent server (WebSocket protocol v1), as a node you add to your scene.
##
## It keeps the connection, answers the server's [code]get_agent_state[/code] requests with your
## NPCs' specs, and turns the server's streaming messages into signals: your game shows an NPC's
## speech chunk by chunk as [signal tag_chunk] arrives, plays [code]<action>[/code] tags on
## [signal tag_closed], and so on.
##
## Usage:
## [codeblock]
## var client := AgentClient.new()
## client.agent_specs["brom"] = {"name": "Brom", "role": "town guard", "mood": "tired"}
## add_child(client)
## client.tag_chunk.connect(func(agent_id, turn_id, index, tag, text): bubble.text += text)
## client.connect_to_server()
## # later
## client.say("brom", "Good evening!")
## [/codeblock]
##
## Specs: the game owns its NPCs, so before every turn the server asks for the NPC's current spec.
## Set [member state_provider] to a [Callable] taking the agent id and returning the spec
## [Dictionary] (built from your world at that moment), or keep specs in [member agent_specs].
##
## Turn results: when a turn ends, the server must learn what the player actually saw, which becomes
## the NPC's memory. With [member auto_confirm_turns] on (the default), this node sends
## [code]agent_turn_result[/code] itself with every tag it streamed; for an interrupted turn, the
## part of the open tag that had arrived. Turn it off to send your own with [method send_turn_result]
## (for example when a typewriter effect had shown less than what arrived).
##
## Tools: a turn that ends with [code]finish_reason == "tool_calls"[/code] emits
## [signal tool_calls_requested] with every call of the turn; run them and answer once with
## [method send_tool_results], which confirms the turn and starts the NPC's next one.
##
## Reconnecting: with [member auto_reconnect] on (the default), a connection that drops after the
## session started is reopened with that [member session_id] after 1 s, then 2 s, 4 s ... up to 30 s,
## so the NPCs keep their memories. Turns in progress at the drop are lost: the server cancelled them.
##
## Everything runs on the main thread: messages are read in [method _process].

## The connection is open and the server has named the session.
signal session_started(session_id: String, resumed: bool)
## The connection closed (code -1 when it failed before opening).
signal connection_closed(code: int, reason: String)
## A turn has its spec and starts streaming. [param cause] is "interaction_event" or "tool_results".
signal turn_started(agent_id: String, turn_id: String, event_id: String, cause: String)
## A tag opens. For a self-closing tag such as [code]<action name="wave"/>[/code], [signal tag_closed] follows at once.
signal tag_opened(agent_id: String, turn_id: String, index: int, tag: String, attributes: Dictionary)
## A piece of the open tag's text. The pieces of a tag add up to its content.
signal tag_chunk(agent_id: String, turn_id: String, index: int, tag: String, text: String)
## A tag closed. [param complete] is false when the stream ended inside it.
signal tag_closed(agent_id: String, turn_id: String, index: int, tag: String, content: String, complete: bool)
## The turn is over. [param details] is the whole message: "usage", "timing", "rejected", "error".
signal turn_finished(agent_id: String, turn_id: String, finish_reason: String, details: Dictionary)
## The turn was cut off: [param reason] is "superseded" (a newer event), "cancelled" or "shutdown".
signal turn_interrupted(agent_id: String, turn_id: String, reason: String, by_event_id: String)
## The server reported an error; [param details] is the whole message ("in_reply_to", "agent_id", ...).
signal error_received(code: String, message: String, details: Dictionary)
## A turn ended to call tools. [param calls] is an Array of
## [code]{"call_id": String, "name": String, "arguments": Dictionary}[/code]; answer all of them in one
## [method send_tool_results]. Emitted after [signal turn_finished].
signal tool_calls_requested(agent_id: String, turn_id: String, calls: Array)
## [member auto_reconnect] is about to reopen the dropped connection, resuming [param session_id].
signal reconnecting(session_id: String, attempt: int)

## Close code of a connection whose session another connection took over: reconnecting would fight it.
const _TAKEN_OVER := 4000
const _MAX_RECONNECT_DELAY := 30.0

## The server's WebSocket address.
@export var url: String = "ws://127.0.0.1:8000/ws"
## The server's shared secret, when it has one; sent as an [code]Authorization: Bearer[/code] header.
@export var token: String = ""
## Send [code]agent_turn_result[/code] automatically when a turn ends.
@export var auto_confirm_turns: bool = true
## Reopen a dropped connection and resume its session. A [method close] of yours never reconnects,
## nor does close code 4000 (another connection took the session over).
@export var auto_reconnect: bool = true

## Specs by agent id, used when [member state_provider] is not set.
var agent_specs: Dictionary = {}
## [code]func(agent_id: String) -> Dictionary[/code]: the agent's current spec. Takes precedence over [member agent_specs].
var state_provider: Callable = Callable()
## The current session's id, empty before [signal session_started]. Pass it to
## [method connect_to_server] to resume the session (and the NPCs' memories) after a reconnect.
var session_id: String = ""

var _socket: WebSocketPeer = WebSocketPeer.new()
var _last_state: int = WebSocketPeer.STATE_CLOSED
## What has streamed of each live turn, by agent id and turn id.
var _turns: Dictionary = {}
## True after [method close]: the next drop is the game's own doing.
var _closed_on_purpose: bool = false
## Seconds until the next reconnect attempt; 0 when none is planned.
var _reconnect_in: float = 0.0
var _reconnect_attempt: int = 0


## Opens the connection; [signal session_started] follows once the server accepts it.
## [param resume_session_id]: a previous [member session_id] to continue, or empty for a new session.
func connect_to_server(resume_session_id: String = "") -> Error:
	close()
	_closed_on_purpose = false
	_socket = WebSocketPeer.new()
	# The server accepts messages up to 1 MiB; Godot's default buffers are 64 KiB.
	_socket.inbound_buffer_size = 1 << 20
	_socket.outbound_buffer_size = 1 << 20
	if token != "":
		_socket.handshake_headers = PackedStringArray(["Authorization: Bearer " + token])
	var target := url
	if resume_session_id != "":
		target += ("&" if "?" in url else "?") + "session_id=" + resume_session_id.uri_encode()
	_turns.clear()
	var err := _socket.connect_to_url(target)
	if err != OK:
		push_error("AgentClient: cannot connect to %s (error %d)" % [url, err])
		return err
	_last_state = WebSocketPeer.STATE_CONNECTING
	return OK


## Closes the connection and stops reconnecting. The server cancels the session's turns and keeps
## its history for a resume.
func close(code: int = 1000, reason: String = "") -> void:
	_closed_on_purpose = true
	_reconnect_in = 0.0
	if _socket.get_ready_state() == WebSocketPeer.STATE_OPEN or _socket.get_ready_state() == WebSocketPeer.STATE_CONNECTING:
		_socket.close(code, reason)


func is_open() -> bool:
	return _socket.get_ready_state() == WebSocketPeer.STATE_OPEN


## Something happened to an NPC that it should answer: starts a turn.
## [param event] holds "text", "kind", "source", "target", "on_busy" ("interrupt", "queue" or "drop")
## and any fields of your own, which the NPC will see as data.
func send_interaction(agent_id: String, event: Dictionary) -> Error:
	return _send({"type": "interaction_event", "agent_id": agent_id, "event": event})


## The player says [param text] to an NPC; interrupts what it is saying unless [param on_busy] says otherwise.
func say(agent_id: String, text: String, on_busy: String = "interrupt") -> Error:
	return send_interaction(agent_id, {"kind": "player_said", "source": "player", "target": agent_id,
		"text": text, "on_busy": on_busy})


## Something the NPCs should know about, without answering it: starts and interrupts nothing.
func send_notification(agent_ids: Array, event: Dictionary) -> Error:
	return _send({"type": "notification_event", "agent_ids": agent_ids, "event": event})


## What the player actually saw of a turn: [param tags] is an Array of
## [code]{"tag": String, "attributes": Dictionary, "content": String}[/code].
func send_turn_result(agent_id: String, turn_id: String, tags: Array, interrupted: bool = false) -> Error:
	return _send({"type": "agent_turn_result", "agent_id": agent_id, "turn_id": turn_id,
		"tags": tags, "interrupted": interrupted})


## The results of a turn's [code]tool_call[/code] tags; the NPC then continues in a new turn.
## [param results] is an Array of [code]{"call_id": String, "name": String, "output": Variant, "is_error": bool}[/code].
func send_tool_results(agent_id: String, turn_id: String, results: Array) -> Error:
	return _send({"type": "tool_results", "agent_id": agent_id, "turn_id": turn_id, "results": results})


## Stops the NPC's current turn (or [param turn_id]); [signal turn_interrupted] follows with reason "cancelled".
func cancel_turn(agent_id: String, turn_id: String = "") -> Error:
	var message := {"type": "cancel_turn", "agent_id": agent_id}
	if turn_id != "":
		message["turn_id"] = turn_id
	return _send(message)


## Makes the NPC forget its history and cached spec.
func reset_agent(agent_id: String) -> Error:
	return _send({"type": "reset_agent", "agent_id": agent_id})


## Sends an NPC's spec without being asked, replacing the one the server keeps for state timeouts.
func send_state(agent_id: String, spec: Dictionary) -> Error:
	return _send({"type": "agent_state_snapshot", "agent_id": agent_id, "state": spec})


func _process(delta: float) -> void:
	if _reconnect_in > 0.0:
		_reconnect_in -= delta
		if _reconnect_in <= 0.0:
			_reconnect_in = 0.0
			reconnecting.emit(session_id, _reconnect_attempt)
			if connect_to_server(session_id) != OK:
				_plan_reconnect(-1)
		return
	_socket.poll()
	var state := _socket.get_ready_state()
	# Read while OPEN and while CLOSING: the last messages can arrive with the close.
	while _socket.get_available_packet_count() > 0:
		var packet := _socket.get_packet()
		if _socket.was_string_packet():
			_handle_text(packet.get_string_from_utf8())
	if state == WebSocketPeer.STATE_CLOSED and _last_state != WebSocketPeer.STATE_CLOSED:
		_last_state = state
		_turns.clear()
		var code := _socket.get_close_code()
		connection_closed.emit(code, _socket.get_close_reason())
		_plan_reconnect(code)
		return
	_last_state = state


## After a drop the game did not ask for, plans the next attempt with a doubling pause.
func _plan_reconnect(code: int) -> void:
	# A connection_closed handler may have reconnected already; then _last_state is no longer CLOSED.
	if (not auto_reconnect or _closed_on_purpose or session_id == "" or code == _TAKEN_OVER
			or _last_state != WebSocketPeer.STATE_CLOSED):
		return
	_reconnect_attempt += 1
	_reconnect_in = minf(pow(2.0, _reconnect_attempt - 1), _MAX_RECONNECT_DELAY)


func _send(message: Dictionary) -> Error:
	if not is_open():
		push_warning("AgentClient: not connected; dropped a %s message" % message.get("type", "?"))
		return ERR_CONNECTION_ERROR
	return _socket.send_text(JSON.stringify(message))


func _handle_text(text: String) -> void:
	var message = JSON.parse_string(text)
	if typeof(message) != TYPE_DICTIONARY:
		push_warning("AgentClient: ignored a message that is not a JSON object")
		return
	var agent_id: String = str(message.get("agent_id", ""))
	var turn_id: String = str(message.get("turn_id", ""))
	match str(message.get("type", "")):
		"session_started":
			_reconnect_attempt = 0
			session_id = str(message.get("session_id", ""))
			session_started.emit(session_id, bool(message.get("resumed", false)))
		"get_agent_state":
			_answer_state(agent_id, str(message.get("request_id", "")))
		"agent_turn_started":
			var turn := _turn(agent_id, turn_id)
			turn["started"] = true
			turn_started.emit(agent_id, turn_id, str(message.get("event_id", "")), str(message.get("cause", "")))
		"agent_tag_open":
			_on_tag_open(agent_id, turn_id, message)
		"agent_tag_chunk":
			_on_tag_chunk(agent_id, turn_id, message)
		"agent_tag_close":
			_on_tag_close(agent_id, turn_id, message)
		"agent_turn_finished":
			_on_turn_finished(agent_id, turn_id, message)
		"agent_turn_interrupted":
			_on_turn_interrupted(agent_id, turn_id, message)
		"error":
			error_received.emit(str(message.get("code", "")), str(message.get("message", "")), message)
		_:
			pass # "pong", and message types newer than this client.


func _on_tag_open(agent_id: String, turn_id: String, message: Dictionary) -> void:
	var tag: String = str(message.get("tag", ""))
	var attributes: Dictionary = message.get("attributes", {})
	var turn := _turn(agent_id, turn_id)
	turn["open"] = {"tag": tag, "attributes": attributes, "content": ""}
	# JSON numbers arrive as floats.
	tag_opened.emit(agent_id, turn_id, int(message.get("index", 0)), tag, attributes)


func _on_tag_chunk(agent_id: String, turn_id: String, message: Dictionary) -> void:
	var turn := _turn(agent_id, turn_id)
	var chunk: String = str(message.get("text", ""))
	if turn["open"] != null:
		turn["open"]["content"] += chunk
	tag_chunk.emit(agent_id, turn_id, int(message.get("index", 0)), str(message.get("tag", "")), chunk)


func _on_tag_close(agent_id: String, turn_id: String, message: Dictionary) -> void:
	var turn := _turn(agent_id, turn_id)
	var tag: String = str(message.get("tag", ""))
	var content: String = str(message.get("content", ""))
	var attributes: Dictionary = turn["open"]["attributes"] if turn["open"] != null else {}
	turn["tags"].append({"tag": tag, "attributes": attributes, "content": content})
	turn["open"] = null
	tag_closed.emit(agent_id, turn_id, int(message.get("index", 0)), tag, content, bool(message.get("complete", true)))


func _on_turn_finished(agent_id: String, turn_id: String, message: Dictionary) -> void:
	var turn := _take_turn(agent_id, turn_id)
	var finish_reason: String = str(message.get("finish_reason", ""))
	turn_finished.emit(agent_id, turn_id, finish_reason, message)
	if finish_reason == "tool_calls":
		# The game's send_tool_results confirms this turn.
		tool_calls_requested.emit(agent_id, turn_id, _tool_calls(turn["tags"]))
	elif auto_confirm_turns and turn["started"]:
		# A turn that ended before it started (a state timeout) showed nothing to confirm.
		send_turn_result(agent_id, turn_id, turn["tags"], false)


func _on_turn_interrupted(agent_id: String, turn_id: String, message: Dictionary) -> void:
	var turn := _take_turn(agent_id, turn_id)
	turn_interrupted.emit(agent_id, turn_id, str(message.get("reason", "")), str(message.get("by_event_id", "")))
	# A turn that never started showed nothing; otherwise report what was shown, open tag included.
	if auto_confirm_turns and turn["started"]:
		var tags: Array = turn["tags"]
		if turn["open"] != null and turn["open"]["content"] != "":
			tags.append(turn["open"])
		send_turn_result(agent_id, turn_id, tags, true)


## The tool_call tags of a turn as calls with parsed arguments.
func _tool_calls(tags: Array) -> Array:
	var calls := []
	for tag in tags:
		if tag["tag"] != "tool_call":
			continue
		var arguments = JSON.parse_string(tag["content"])
		calls.append({"call_id": str(tag["attributes"].get("call_id", "")), "name": str(tag["attributes"].get("name", "")),
			"arguments": arguments if typeof(arguments) == TYPE_DICTIONARY else {}})
	return calls


func _answer_state(agent_id: String, request_id: String) -> void:
	var spec: Dictionary = {}
	if state_provider.is_valid():
		spec = state_provider.call(agent_id)
	elif agent_specs.has(agent_id):
		spec = agent_specs[agent_id]
	if spec.is_empty():
		# Unanswered, the server falls back to the last spec it has, or ends the turn with "state_timeout".
		push_warning("AgentClient: no spec for agent '%s'" % agent_id)
		return
	_send({"type": "agent_state_snapshot", "agent_id": agent_id, "request_id": request_id, "state": spec})


func _turn(agent_id: String, turn_id: String) -> Dictionary:
	var key := _key(agent_id, turn_id)
	if not _turns.has(key):
		_turns[key] = _new_turn()
	return _turns[key]


## Removes a turn that has ended and returns what had streamed of it.
func _take_turn(agent_id: String, turn_id: String) -> Dictionary:
	var turn: Dictionary = _turns.get(_key(agent_id, turn_id), _new_turn())
	_turns.erase(_key(agent_id, turn_id))
	return turn


func _new_turn() -> Dictionary:
	return {"started": false, "tags": [], "open": null}


func _key(agent_id: String, turn_id: String) -> String:
	return agent_id + "\n" + turn_id
