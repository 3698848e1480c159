"""Drives diglot's mock API with the vendors' own Python SDKs (openai, anthropic, deepl).

Run by tests/cli/sdk.rs inside the virtualenv that `tests/sdk/setup` creates:

    tests/sdk/.venv/bin/python tests/sdk/clients.py ROOT_URL GERMAN_PARAGRAPH

ROOT_URL is the mock's root (http://127.0.0.1:PORT). The script makes the calls an ordinary user
of each SDK makes and prints ONE JSON object: what each SDK returned, or the error it raised,
under the call's name. It asserts nothing itself: the Rust test compares the answers with what
the mock must give (its pseudo-translations and cassettes), so the expectations live in one
place. It exits non-zero only when it cannot run at all (a missing SDK, bad arguments).
"""

import json
import sys

import anthropic
import deepl
import openai
import requests

KEY = "sk-sdk-test-key"
PROMPT = "Translate into English: Guten Morgen."


def capture(results, name, call):
    """Stores call()'s result under name, or the exception's type and message."""
    try:
        results[name] = call()
    except Exception as err:  # noqa: BLE001 - every failure is data for the Rust test
        results[name] = {"error": type(err).__name__, "message": str(err)}


def usage_of(usage):
    return None if usage is None else usage.model_dump(exclude_none=True)


def openai_calls(root, results):
    client = openai.OpenAI(base_url=root + "/v1", api_key=KEY, max_retries=0)
    messages = [{"role": "user", "content": PROMPT}]

    def plain():
        completion = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        choice = completion.choices[0]
        return {
            "content": choice.message.content,
            "finish_reason": choice.finish_reason,
            "usage": usage_of(completion.usage),
        }

    def streamed(include_usage):
        options = {"include_usage": True} if include_usage else None
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=messages, stream=True, stream_options=options
        )
        pieces, finish, usage, chunks = [], None, None, 0
        for chunk in stream:
            chunks += 1
            if chunk.choices:
                delta = chunk.choices[0].delta
                if delta.content:
                    pieces.append(delta.content)
                finish = chunk.choices[0].finish_reason or finish
            if chunk.usage is not None:
                usage = usage_of(chunk.usage)
        return {"content": "".join(pieces), "finish_reason": finish, "usage": usage, "chunks": chunks}

    capture(results, "openai_plain", plain)
    capture(results, "openai_stream_usage", lambda: streamed(True))
    capture(results, "openai_stream", lambda: streamed(False))
    capture(results, "openai_models", lambda: [m.id for m in client.models.list()])


def anthropic_calls(root, results):
    client = anthropic.Anthropic(base_url=root, api_key=KEY, max_retries=0)
    request = {
        "model": "claude-haiku-4-5",
        "max_tokens": 256,
        "system": "You are a translator.",
        "messages": [{"role": "user", "content": PROMPT}],
    }

    def plain():
        message = client.messages.create(**request)
        return {
            "text": "".join(block.text for block in message.content if block.type == "text"),
            "stop_reason": message.stop_reason,
            "usage": usage_of(message.usage),
        }

    def streamed():
        with client.messages.stream(**request) as stream:
            text = "".join(stream.text_stream)
            final = stream.get_final_message()
        return {"text": text, "stop_reason": final.stop_reason, "usage": usage_of(final.usage)}

    def raw_events():
        return [event.type for event in client.messages.create(**request, stream=True)]

    capture(results, "anthropic_plain", plain)
    capture(results, "anthropic_stream", streamed)
    capture(results, "anthropic_events", raw_events)


def deepl_calls(root, paragraph, results):
    client = deepl.DeepLClient(KEY, server_url=root)

    def text_result(result):
        return {
            "text": result.text,
            "detected_source_lang": result.detected_source_lang,
            "billed_characters": result.billed_characters,
        }

    capture(
        results,
        "deepl_target_only",
        lambda: text_result(client.translate_text(paragraph, target_lang="EN-US")),
    )
    capture(
        results,
        "deepl_lower_case_list",
        lambda: [
            text_result(r)
            for r in client.translate_text(
                [paragraph, "Zweiter Absatz."], source_lang="de", target_lang="en-gb"
            )
        ],
    )
    capture(
        results,
        "deepl_pt_br",
        lambda: text_result(client.translate_text(paragraph, source_lang="DE", target_lang="PT-BR")),
    )
    capture(
        results,
        "deepl_source_variant",
        lambda: text_result(client.translate_text(paragraph, source_lang="EN-US", target_lang="DE")),
    )

    def usage():
        used = client.get_usage()
        return {"count": used.character.count, "limit": used.character.limit}

    capture(results, "deepl_usage", usage)
    capture(results, "deepl_sources", lambda: [l.code for l in client.get_source_languages()])
    capture(
        results,
        "deepl_targets",
        lambda: {l.code: l.supports_formality for l in client.get_target_languages()},
    )

    def form():
        # What curl -d and DeepL's older clients send: a form body with `text` repeated.
        response = requests.post(
            root + "/v2/translate",
            data={"text": [paragraph, "Dritter Absatz."], "target_lang": "EN-US"},
            headers={"Authorization": "DeepL-Auth-Key " + KEY},
            timeout=30,
        )
        return {"status": response.status_code, "json": response.json()}

    capture(results, "deepl_form", form)


def openai_batch_calls(root, results):
    """The Batch API as its users drive it: upload a JSONL file, create a batch on it, look at
    it, download its output file, list the batches."""
    client = openai.OpenAI(base_url=root + "/v1", api_key=KEY, max_retries=0)
    line = {
        "custom_id": "sdk-1",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": PROMPT}]},
    }

    def run():
        uploaded = client.files.create(
            file=("requests.jsonl", (json.dumps(line) + "\n").encode()), purpose="batch"
        )
        batch = client.batches.create(
            input_file_id=uploaded.id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata={"from": "sdk"},
        )
        done = client.batches.retrieve(batch.id)
        output = client.files.content(done.output_file_id).text
        return {
            "file": {"purpose": uploaded.purpose, "filename": uploaded.filename},
            "created": batch.status,
            "status": done.status,
            "counts": done.request_counts.model_dump(),
            "metadata": done.metadata,
            "lines": [json.loads(text) for text in output.splitlines()],
            "listed": [b.id for b in client.batches.list(limit=10)] == [batch.id],
        }

    capture(results, "openai_batch", run)


def anthropic_batch_calls(root, results):
    """Message Batches as their users drive them: create, look, read the results."""
    client = anthropic.Anthropic(base_url=root, api_key=KEY, max_retries=0)
    params = {
        "model": "claude-haiku-4-5",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": PROMPT}],
    }

    def run():
        batch = client.messages.batches.create(requests=[{"custom_id": "sdk-1", "params": params}])
        done = client.messages.batches.retrieve(batch.id)
        answers = []
        for result in client.messages.batches.results(batch.id):
            message = result.result.message
            text = "".join(block.text for block in message.content if block.type == "text")
            answers.append([result.custom_id, result.result.type, text])
        return {
            "created": batch.processing_status,
            "status": done.processing_status,
            "counts": done.request_counts.model_dump(),
            "results": answers,
        }

    capture(results, "anthropic_batch", run)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: clients.py ROOT_URL GERMAN_PARAGRAPH")
    root, paragraph = sys.argv[1].rstrip("/"), sys.argv[2]
    results = {
        "versions": {
            "openai": openai.__version__,
            "anthropic": anthropic.__version__,
            "deepl": deepl.__version__,
        }
    }
    openai_calls(root, results)
    anthropic_calls(root, results)
    deepl_calls(root, paragraph, results)
    openai_batch_calls(root, results)
    anthropic_batch_calls(root, results)
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
