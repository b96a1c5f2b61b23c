from celery import shared_task

from .services import password_reset_email_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset_email(user_id: int) -> bool:
    """Email one password-reset link. A run repeated after a worker died
    sends a second link, which is harmless: either one works, once."""
    return password_reset_email_send(user_id=user_id)
