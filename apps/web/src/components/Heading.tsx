import { Text, type TextProps, Title, type TitleOrder, type TitleSize } from '@mantine/core';
import type { ReactNode } from 'react';

/** A heading with an optional line of dimmed explanation under it. */
export function Heading({
  title,
  description,
  order,
  size,
  gap,
}: {
  title: ReactNode;
  description?: ReactNode;
  order: TitleOrder;
  /** The look, when it is not the order's own (an h1 that looks like an h2). */
  size?: TitleSize;
  /** The space between the heading and the explanation. */
  gap?: TextProps['mt'];
}) {
  return (
    <div>
      <Title order={order} size={size}>
        {title}
      </Title>
      {description && (
        <Text size="sm" c="dimmed" mt={gap}>
          {description}
        </Text>
      )}
    </div>
  );
}
