// A failed action's message, announced to screen readers; nothing while there is none.
import { Show } from 'solid-js';

export function ErrorAlert(props: { message: string }) {
  return (
    <Show when={props.message}>
      <p class="error" role="alert">
        {props.message}
      </p>
    </Show>
  );
}
