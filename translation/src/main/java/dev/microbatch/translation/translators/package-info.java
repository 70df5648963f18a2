/** One small translator per transform URN. */
package dev.microbatch.translation.translators;
