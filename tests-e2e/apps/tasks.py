"""Celery app for the tests: broker and result backend are the Redis URL in REDIS_URL."""
import os
import time

from celery import Celery

app = Celery("tasks", broker=os.environ["REDIS_URL"], backend=os.environ["REDIS_URL"])
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                worker_prefetch_multiplier=1, task_acks_late=True,
                broker_connection_retry_on_startup=True)


@app.task
def slow(seconds):
    time.sleep(seconds)
    return f"slept {seconds}"
