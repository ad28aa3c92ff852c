"""`make bench`: how fast and how big the assistant is on this machine.

Measures, with the real servers on free ports and the bundled directory:
  - latency of one message through REST, sequential (p50/p95/max), and with 10 concurrent
    residents (p50/p95, messages per second); then per language, a conversation in each of
    the nine languages (translation cache seeded, see seed_translation_cache);
  - resident memory of the Rasa server and the action server after the run;
  - training time of the full model (NLU + dialogue) from scratch, in a temporary folder;
  - load (--load, needs PostgreSQL and Redis): messages per second and p95 latency with 10,
    50 and 100 concurrent residents against one Rasa server (one worker process, and two:
    Rasa's SANIC_WORKERS) and against two servers (production
    configuration: PostgreSQL tracker store, Redis lock store, one action server), checking
    that every message was stored once; and a profile of one server under 50 residents
    (cProfile, time grouped by package) — where the time goes.
Each run also records how fast the machine was (a ten-million-step Python loop, before and
after), because this VM's speed drifts and every figure with it.
Results go to results/bench.json and a table on stdout. Goals (README): p50 <= 60 ms and
p95 <= 150 ms sequential; training <= 5 min; one server >= 30 messages/s at p95 <= 500 ms
with 50 residents, and two servers lose nothing.
Usage: python scripts/bench.py [--messages 200] [--skip-training] [--load] [--only-load]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.devserver import running_servers
from bot.directory.db import ensure_database
from bot.model import ensure, train_command

RESULTS = ROOT / "results"
# A resident's turns: a need, a narrowing follow-up, a question about a listed service,
# small talk. Cycled so every kind of turn is measured; one conversation per language.
CONVERSATIONS = {
    "en": ["hello", "I need an interpreter for my mum", "any near Pinner?",
           "what's the phone number of the first one",
           "I look after my husband and need support as a carer", "which are open now",
           "thank you"],
    "ro": ["bună ziua", "am nevoie de un interpret pentru mama mea", "ceva in Pinner?",
           "care e numarul de telefon la primul?",
           "am grijă de soțul meu și am nevoie de sprijin ca îngrijitor",
           "care sunt deschise acum?", "mulțumesc frumos"],
    "gu": ["નમસ્તે", "મારી માતા માટે મને દુભાષિયાની જરૂર છે", "પિનરમાં કોઈ છે?",
           "પહેલાનો ફોન નંબર શું છે?", "હું મારા પતિની સંભાળ રાખું છું, મને કેરર તરીકે મદદ જોઈએ છે",
           "અત્યારે કયા ખુલ્લા છે?", "આભાર"],
    "ta": ["வணக்கம்", "என் அம்மாவுக்கு மொழிபெயர்ப்பாளர் வேண்டும்", "பின்னெர் பக்கத்தில் ஏதாவது?",
           "முதலாவது எண்ணின் தொலைபேசி எண் என்ன?",
           "நான் என் கணவரை கவனித்துக்கொள்கிறேன், carer ஆக உதவி வேண்டும்",
           "இப்போது திறந்திருப்பது எது?", "நன்றி"],
    "pl": ["dzień dobry", "potrzebuję tłumacza dla mamy", "coś w Pinner?",
           "jaki jest numer telefonu do pierwszego?",
           "opiekuję się mężem i potrzebuję wsparcia dla opiekunów", "które są teraz otwarte?",
           "dziękuję bardzo"],
    "ar": ["مرحبا", "أحتاج مترجم لأمي", "في شي بمنطقة بينر؟", "شو رقم تلفون الأول؟",
           "أنا أعتني بزوجي وأحتاج دعم كمقدم رعاية", "أي واحد مفتوح الآن؟", "شكرا جزيلا"],
    "ur": ["السلام علیکم", "مجھے اپنی امی کے لیے ترجمان چاہیے", "پنر میں کوئی ہے؟",
           "پہلے والے کا فون نمبر کیا ہے؟",
           "میں اپنے شوہر کی دیکھ بھال کرتی ہوں، مجھے کیرر کے طور پر مدد چاہیے",
           "ابھی کون سے کھلے ہیں؟", "بہت شکریہ"],
    "pt": ["olá", "preciso de um intérprete para a minha mãe", "algum em Pinner?",
           "qual é o telefone do primeiro?",
           "cuido do meu marido e preciso de apoio como cuidadora", "quais estão abertos agora?",
           "muito obrigada"],
    "so": ["salaan", "waxaan u baahanahay turjumaan hooyaday", "mid Pinner ku yaal ma jiraa?",
           "kan koowaad lambarkiisa taleefanka waa maxay?",
           "waxaan daryeelaa ninkayga, waxaan u baahanahay taageero daryeele ahaan",
           "kuwee ayaa hadda furan?", "mahadsanid"],
}
CONVERSATION = CONVERSATIONS["en"]


def machine_speed() -> float:
    """Seconds this machine takes for a loop of ten million steps in one Python process (the
    README's yardstick): this VM's speed drifts from day to day by up to three times, and
    every figure here with it, so each bench records the speed it ran at."""
    script = "import time; t = time.perf_counter(); [0 for _ in range(10**7)]; " \
             "print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", script], capture_output=True,
                                 text=True, check=True).stdout) for _ in range(3)]
    return round(statistics.median(runs), 3)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def send(webhook: str, sender: str, text: str) -> float:
    started = time.perf_counter()
    reply = requests.post(webhook, json={"sender": sender, "message": text}, timeout=30)
    elapsed = (time.perf_counter() - started) * 1000
    reply.raise_for_status()
    if not reply.json():
        raise RuntimeError(f"no reply to {text!r}")
    return elapsed


def resident_run(webhook: str, turns: int, conversation: list[str] = CONVERSATION) -> list[float]:
    """`turns` messages as successive residents, each holding the whole conversation."""
    latencies = []
    for turn in range(turns):
        if turn % len(conversation) == 0:
            sender = f"bench-{uuid.uuid4()}"
        latencies.append(send(webhook, sender, conversation[turn % len(conversation)]))
    return latencies


def seed_translation_cache(url: str) -> int:
    """The translation cache as a running deployment has it after the first residents: every
    service description already translated into every language. The texts are placeholders
    ("[ro] ..."), never shown to anyone; they make the bench measure the cache-hit path
    offline, as issue 3 asks ("with cached translations")."""
    from bot.directory.db import session_factory
    from bot.directory.models import Service
    from bot.i18n.languages import configured_languages
    from bot.i18n.translate import MachineTranslator

    translator = MachineTranslator(lambda: session_factory(url)())
    with session_factory(url)() as session:
        descriptions = [d for (d,) in session.query(Service.description) if d]
    for lang in configured_languages():
        if lang != "en":
            translator.store({d: f"[{lang}] {d}" for d in descriptions}, "en", lang)
    return len(descriptions)


def summarise(latencies: list[float], seconds: float) -> dict:
    return {"messages": len(latencies), "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 95), 1), "max_ms": round(max(latencies), 1),
            "messages_per_s": round(len(latencies) / seconds, 1)}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def bench_latency(model: Path, messages: int, per_language_messages: int = 70) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'directory.db'}"
        ensure_database(url)
        seed_translation_cache(url)
        with running_servers(model, ROOT / "var" / "log" / "bench",
                             env={"DATABASE_URL": url}) as servers:
            resident_run(servers.webhook, 2 * len(CONVERSATION))  # warm-up
            started = time.perf_counter()
            sequential = resident_run(servers.webhook, messages)
            sequential_s = time.perf_counter() - started
            per_client = max(1, messages // 10)
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=10) as pool:
                runs = list(pool.map(lambda _: resident_run(servers.webhook, per_client),
                                     range(10)))
            concurrent_s = time.perf_counter() - started
            per_language = {}
            for lang, conversation in CONVERSATIONS.items():
                resident_run(servers.webhook, len(conversation), conversation)  # warm-up
                started = time.perf_counter()
                latencies = resident_run(servers.webhook, per_language_messages, conversation)
                per_language[lang] = summarise(latencies, time.perf_counter() - started)
            return {"sequential": summarise(sequential, sequential_s),
                    "concurrent_10": summarise([x for run in runs for x in run], concurrent_s),
                    "sequential_by_language": per_language,
                    "memory_mb": {"rasa_server": rss_mb(servers.rasa.pid),
                                  "action_server": rss_mb(servers.actions.pid)}}


LOAD_USERS = (10, 50, 100)
MESSAGES_PER_USER = 10
TRACKER_URL = "postgresql://postgres@127.0.0.1:5432/test"


def crowd_run(webhooks: list[str], users: int, messages_per_user: int,
              period: float | None = None) -> dict:
    """``users`` residents at once, each a conversation of ``messages_per_user`` messages;
    each message goes to the next server in turn (a round-robin load balancer). ``period``:
    seconds from one of a resident's messages to their next (or the reply, if later),
    residents starting at staggered times; None: the next as soon as the reply comes."""
    def resident(index: int) -> tuple[str, list[float]]:
        sender, http = f"load-{uuid.uuid4().hex}", requests.Session()
        latencies = []
        next_at = start + index * (period or 0) / users
        for turn in range(messages_per_user):
            time.sleep(max(0.0, next_at - time.perf_counter()))
            sent = time.perf_counter()
            reply = http.post(webhooks[(index + turn) % len(webhooks)], timeout=120,
                              json={"sender": sender,
                                    "message": CONVERSATION[turn % len(CONVERSATION)]})
            latencies.append((time.perf_counter() - sent) * 1000)
            reply.raise_for_status()
            next_at += period or 0
        return sender, latencies

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        runs = list(pool.map(resident, range(users)))
    result = summarise([x for _, run in runs for x in run], time.perf_counter() - start)
    result["stored_once"] = stored_once([sender for sender, _ in runs], messages_per_user)
    return result


def load_run(webhooks: list[str], users: int, messages_per_user: int) -> dict:
    """Residents with no pause between messages."""
    return crowd_run(webhooks, users, messages_per_user)


def paced_run(webhooks: list[str], users: int = 50, rate: float = 30.0,
              messages_per_user: int = 20) -> dict:
    """``users`` residents who between them send ``rate`` messages a second. Residents read
    and type; this is the goal's "30 messages/s with 50 residents", where load_run is
    residents with no pause."""
    return {**crowd_run(webhooks, users, messages_per_user, period=users / rate),
            "offered_per_s": rate}


def stored_once(senders: list[str], expected: int) -> bool:
    """Every message of every resident is in the tracker store exactly once."""
    from sqlalchemy import create_engine, text

    engine = create_engine(TRACKER_URL)
    with engine.connect() as connection:
        counts = dict(connection.execute(text(
            "SELECT sender_id, count(*) FROM events WHERE type_name = 'user' AND sender_id "
            "= ANY(:senders) GROUP BY sender_id"), {"senders": senders}).fetchall())
    engine.dispose()
    return all(counts.get(sender) == expected for sender in senders)


def production_env(directory_url: str) -> dict:
    return {"TRACKER_DATABASE_URL": TRACKER_URL, "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": "6379", "REDIS_DB": "13", "DATABASE_URL": directory_url}


# (name, Rasa servers, worker processes each: Rasa's SANIC_WORKERS)
LOAD_SHAPES = (("1_server", 1, 1), ("1_server_2_workers", 1, 2), ("2_servers", 2, 1))


def bench_load(model: Path, users: tuple[int, ...] = LOAD_USERS,
               messages_per_user: int = MESSAGES_PER_USER) -> dict:
    from bot.devserver import running_cluster

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'directory.db'}"
        ensure_database(url)
        for name, count, workers in LOAD_SHAPES:
            with running_cluster(model, ROOT / "var" / "log" / f"bench-load-{name}",
                                 ROOT / "endpoints.production.yml", production_env(url),
                                 rasa_count=count, workers=workers) as cluster:
                webhooks = [cluster.webhook(i) for i in range(count)]
                load_run(webhooks, 5, len(CONVERSATION))  # warm-up
                results[name] = {str(n): load_run(webhooks, n, messages_per_user)
                                 for n in users}
                results[name]["50 paced at 30/s"] = paced_run(webhooks)
    return results


def profile_one_server(model: Path, users: int = 50) -> dict:
    """One Rasa server under cProfile while ``users`` residents talk to it: seconds of CPU
    in each package (own time), the biggest first."""
    import cProfile  # noqa: F401 - run by the server process below
    import os
    import pstats
    import signal

    from bot.devserver import _environment, _start_actions, free_port, wait_until_up

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'directory.db'}"
        ensure_database(url)
        log_dir = ROOT / "var" / "log" / "bench-profile"
        log_dir.mkdir(parents=True, exist_ok=True)
        actions_port, rasa_port = free_port(), free_port()
        env = _environment(actions_port, {
            **production_env(url), "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook"})
        actions = _start_actions(env, log_dir / "actions.log")
        profile = Path(tmp) / "rasa.prof"
        with (log_dir / "rasa.log").open("wb") as log:
            rasa = subprocess.Popen(
                [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "rasa", "run",
                 "--model", str(model), "--endpoints", "endpoints.production.yml",
                 "--credentials", "credentials.yml", "--port", str(rasa_port),
                 "--interface", "127.0.0.1"], cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT)
        try:
            wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions, 120,
                          log_dir / "actions.log")
            webhook = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
            wait_until_up(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", rasa, 300,
                          log_dir / "rasa.log")
            load_run([webhook], 5, len(CONVERSATION))
            load = load_run([webhook], users, MESSAGES_PER_USER)
        finally:
            os.kill(rasa.pid, signal.SIGINT)  # a clean exit, so cProfile writes its file
            rasa.wait(timeout=120)
            actions.terminate()
            actions.wait(timeout=30)
        stats = pstats.Stats(str(profile))
        by_package: dict[str, float] = {}
        for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
            by_package[package_of(filename)] = by_package.get(package_of(filename), 0) + own
        total = sum(by_package.values())
        top = sorted(by_package.items(), key=lambda item: -item[1])[:12]
        return {"load": load, "cpu_seconds": round(total, 1),
                "by_package": {name: {"seconds": round(sec, 1),
                                      "share": round(sec / total, 3)} for name, sec in top}}


def package_of(filename: str) -> str:
    """'rasa.core.policies', 'tensorflow', 'bot.nlu', 'sqlalchemy', ... from a file path."""
    if "site-packages/" in filename:
        parts = filename.split("site-packages/", 1)[1].split("/")
        if parts[0] in ("rasa", "bot") and len(parts) > 2:
            return ".".join(parts[:3]) if parts[1] in ("core", "nlu", "shared") else \
                ".".join(parts[:2])
        return parts[0].removesuffix(".py")
    if "/bot/" in filename:
        return "bot." + filename.split("/bot/", 1)[1].split("/")[0].removesuffix(".py")
    if filename.startswith(("~", "<")):
        return "builtins (C: json, sockets, numpy calls...)"
    return "python stdlib (asyncio, ssl, ...)" if "/lib/python3" in filename else filename


def bench_training() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(train_command(tmp), cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)  # exactly what `make model` runs
        return {"seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--load", action="store_true",
                        help="also the load section (PostgreSQL and Redis needed)")
    parser.add_argument("--only-load", action="store_true", help="just the load section")
    args = parser.parse_args()
    model = ensure()
    results: dict = {"machine_loop_s": {"before": machine_speed()}}
    if args.load or args.only_load:
        RESULTS.mkdir(exist_ok=True)
        results["load"] = bench_load(model)
        (RESULTS / "bench-load.json").write_text(json.dumps(results, indent=2))  # so far
        results["profile_50"] = profile_one_server(model)
        results["machine_loop_s"]["after_load"] = machine_speed()
        print_load(results)
    if args.only_load:
        print_machine(results)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "bench-load.json").write_text(json.dumps(results, indent=2))
        print(f"written to {RESULTS / 'bench-load.json'}")
        return 0
    results["latency"] = bench_latency(model, args.messages)
    if not args.skip_training:
        results["training"] = bench_training()
    RESULTS.mkdir(exist_ok=True)
    seq, conc = results["latency"]["sequential"], results["latency"]["concurrent_10"]
    print(f"sequential     p50 {seq['p50_ms']} ms  p95 {seq['p95_ms']} ms  max {seq['max_ms']} ms"
          f"  ({seq['messages']} messages, goal p50 <= 60, p95 <= 150)")
    print(f"10 concurrent  p50 {conc['p50_ms']} ms  p95 {conc['p95_ms']} ms  "
          f"{conc['messages_per_s']} messages/s")
    for lang, numbers in results["latency"]["sequential_by_language"].items():
        print(f"  {lang}           p50 {numbers['p50_ms']} ms  p95 {numbers['p95_ms']} ms  "
              f"({numbers['messages']} messages)")
    print(f"memory         {results['latency']['memory_mb']}")
    if "training" in results:
        print(f"training       {results['training']['seconds']} s (goal <= 300 s)")
    results["machine_loop_s"]["after"] = machine_speed()
    print_machine(results)
    (RESULTS / "bench.json").write_text(json.dumps(results, indent=2))
    print(f"written to {RESULTS / 'bench.json'}")
    return 0


def print_machine(results: dict) -> None:
    speeds = ", ".join(f"{when} {seconds} s"
                       for when, seconds in results["machine_loop_s"].items())
    print(f"machine        ten million Python steps: {speeds} (this VM has taken 0.26-0.47 s "
          "on its fast days and 0.67-1.35 s on its slow ones: compare like with like)")


def print_load(results: dict) -> None:
    for servers, runs in results["load"].items():
        for users, numbers in runs.items():
            print(f"load {servers:<18} {users:>3} residents  {numbers['messages_per_s']:>5} "
                  f"messages/s  p50 {numbers['p50_ms']} ms  p95 {numbers['p95_ms']} ms  "
                  f"stored once: {numbers['stored_once']}")
    profile = results["profile_50"]
    print(f"profile (one server, 50 residents, {profile['cpu_seconds']} s of CPU in the "
          "Rasa process):")
    for name, numbers in profile["by_package"].items():
        print(f"  {numbers['share']:>6.1%}  {name}")


if __name__ == "__main__":
    sys.exit(main())
