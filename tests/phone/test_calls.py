"""Real calls over SIP/RTP on loopback, placed by SIPp and baresip.

The recogniser is the production ``openai`` backend pointed at a loopback server that
"hears" the answer to the question BIA is asking (``answers`` fixture): the dialogue is then
deterministic, while SIP, RTP, G.711, the VAD, DTMF, the assistant and storage are the real
ones. ``test_default_models_*`` (slow) runs the default faster-whisper instead.
"""

from __future__ import annotations

FIRE = "Au secours, il y a le feu dans la cuisine de ma voisine au 6 rue Pellot, ça fume énormément"
PARKED = ("Une voiture est garée sur le trottoir devant le 12 avenue Édouard VII, "
          "on ne peut plus passer")
ANSWERS = {"location": "devant le 12 avenue Édouard VII", "occurred_at": "depuis ce matin vers 8h",
           "details": "une voiture grise", "confirmation": "oui c'est bien ça", "*": "merci"}


def test_an_emergency_gets_its_number_a_transfer_offer_and_a_refer(
        ctx, phone_reports, start_phone, asr_server, answers, sipp, speech) -> None:
    phone = start_phone(asr_backend="openai", asr_url=asr_server.url)
    asr_server.answer = answers({}, FIRE)
    body = (sipp.pause(800) + sipp.say(speech(FIRE, ulaw=True, after=1.0)) + sipp.pause(9000)
            + sipp.dtmf("1") + sipp.accept_refer(2, "<sip:18@127\\.0\\.0\\.1")
            + sipp.await_bye(30000))
    run = sipp.run(phone.port, body, local_port=phone.peer_port)
    assert run.returncode == 0, run.output
    assert "REFER sip:" in run.messages and f"Refer-To: <sip:18@127.0.0.1:{phone.peer_port}>" \
        in run.messages
    [report] = phone_reports()
    assert report.category_code == "incendie" and report.emergency
    assert report.emergency_number == "18" and report.street == "Rue Pellot"
    call = report.details["phone"]
    assert call["dtmf"] == ["1"] and call["transfer"]["ok"] and call["outcome"] == "transferred"
    said = [line["text"] for line in call["transcript"] if line["who"] == "bia"]
    first_answer = said[1]
    assert first_answer.startswith("Appelez immédiatement le 18")  # the number comes first
    assert any("mettre en relation avec le 18" in s for s in said)
    assert any(line["who"] == "caller" and "feu" in line["text"] for line in call["transcript"])


def test_keypad_zero_by_sip_info_leaves_a_callback_request(sqlite_only,
        ctx, phone_reports, start_phone, asr_server, sipp) -> None:
    phone = start_phone(asr_backend="openai", asr_url=asr_server.url)
    body = sipp.pause(1500) + sipp.info("0", 2) + sipp.await_bye(40000)
    run = sipp.run(phone.port, body)
    assert run.returncode == 0, run.output
    [report] = phone_reports()
    call = report.details["phone"]
    assert call["dtmf"] == ["0"] and call["callback"] is True
    assert report.contact == {"phone": "0600000001"} and report.contact_consent
    assert any("rappelle" in line["text"] for line in call["transcript"] if line["who"] == "bia")


def test_ten_simultaneous_calls_are_all_answered_and_recorded(
        ctx, phone_reports, start_phone, asr_server, sipp, speech) -> None:
    phone = start_phone(asr_backend="openai", asr_url=asr_server.url)
    asr_server.answer = lambda: PARKED
    body = (sipp.pause(500) + sipp.say(speech(PARKED, ulaw=True, after=1.0)) + sipp.pause(9000)
            + sipp.bye(2))
    run = sipp.run(phone.port, body, calls=10, concurrent=10, rate=20)
    assert run.returncode == 0, run.output
    reports = phone_reports(count=10)
    assert len(reports) == 10
    assert {r.category_code for r in reports} == {"stationnement"}
    assert all(r.street == "Avenue Édouard VII" for r in reports)
    latencies = [ms for r in reports for ms in r.details["phone"]["latencies_ms"]]
    assert len(latencies) == 10
    # where each answer's wait went: the end-of-turn silence, then recognition, dialogue,
    # synthesis of the first sentence and the first packet, adding up to the latency
    for r in reports:
        call = r.details["phone"]
        [steps] = call["breakdown"]
        assert steps["end_of_speech_ms"] >= 550  # BIA_PHONE_END_SILENCE_MS (600) less a frame
        assert abs(sum(steps.values()) - call["latencies_ms"][0]) <= 5


def test_a_baresip_call_is_recorded_with_its_tracking_code_and_shown_to_staff(sqlite_only,
        ctx, phone_reports, client, start_phone, asr_server, answers, baresip, speech,
        tmp_path) -> None:
    import subprocess

    from bia.cases.users import add_user

    phone = start_phone(asr_backend="openai", asr_url=asr_server.url)
    asr_server.answer = answers(ANSWERS, PARKED)
    turn = speech("Oui, c'est bien ça.", before=0.2, after=7.0)
    caller = tmp_path / "caller.wav"
    subprocess.run(["sox", str(speech(PARKED, before=1.0, after=8.0)), *[str(turn)] * 5,
                    str(caller), "pad", "0", "20"], check=True)
    proc = baresip(f"sip:mairie@127.0.0.1:{phone.port}", caller, 100)
    [report] = phone_reports(wait_s=100)
    output = proc.communicate(timeout=30)[0] if proc.poll() is not None else ""
    call = report.details["phone"]
    assert report.category_code == "stationnement", (call["transcript"], output)
    assert report.street == "Avenue Édouard VII" and report.number == "12"
    assert call["outcome"] == "completed" and not call["dtmf"]
    said = " ".join(line["text"] for line in call["transcript"] if line["who"] == "bia")
    assert report.tracking_code in said and said.rstrip().endswith("Au revoir.")
    heard = [line["text"] for line in call["transcript"] if line["who"] == "caller"]
    assert heard[0] == PARKED and len(heard) >= 2
    assert call["audio"] and phone.settings.audio_dir in __import__("pathlib").Path(
        call["audio"]).parents
    assert call["latencies_ms"] and call["rtp"]["in"] > 100 and call["rtp"]["out"] > 100
    with ctx.session() as session:
        add_user(session, username="agent1", password="un-mot-de-passe-long", role="agent",
                 commune_id=ctx.pack().commune_id)
    token = client.post("/api/v1/auth/token", data={"username": "agent1",
                                                     "password": "un-mot-de-passe-long"})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    cases = client.get("/api/v1/cases", headers=headers).json()
    items = cases["items"] if isinstance(cases, dict) else cases
    mine = [c for c in items if c["tracking_code"] == report.tracking_code]
    assert mine and mine[0]["channel"] == "phone"
    detail = client.get(f"/api/v1/cases/{mine[0]['id']}", headers=headers).json()
    assert detail["details"]["phone"]["transcript"][0]["who"] == "bia"
